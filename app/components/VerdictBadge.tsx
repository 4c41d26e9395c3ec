import type { Verdict } from '../state/types.ts';

export function VerdictBadge({ verdict, filteredBy, logsource }: { verdict: Verdict; filteredBy?: string; logsource?: boolean }) {
  if (verdict === 'match') return <span className="badge badge-match">● match</span>;
  if (verdict === 'filtered')
    return (
      <span className="vb-filtered" title={filteredBy ? `Selected, then removed by ${filteredBy}` : 'Selected, then removed by a filter'}>
        <span className="badge badge-filtered">filtered</span>
        {filteredBy && <span className="filtered-by mono">by {filteredBy}</span>}
      </span>
    );
  if (logsource) return <span className="badge badge-logsource" title="The event's EventID/channel says it is not from this rule's log source">logsource</span>;
  return <span className="badge badge-nomatch">no match</span>;
}
