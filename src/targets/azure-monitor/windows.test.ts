import { describe, expect, it } from 'vitest';
import { SERVICE_CHANNELS, SYSMON_CATEGORIES, WINDOWS_EVENT_FIELDS, xmlDataItem } from './windows.ts';

/**
 * Evaluates the generated `replace_string(...(extract("re", 1, Col)...), "from", "to")` chain
 * on an XML text the way Kusto does, so the regex and the unescaping order are checked.
 * The KQL literals used here are plain double-quoted strings, which JSON.parse reads the same.
 */
function evaluate(expr: string, xml: string): string {
  const rep = /^replace_string\((.*), ("(?:[^"\\]|\\.)*"), ("(?:[^"\\]|\\.)*")\)$/s.exec(expr);
  if (rep) return evaluate(rep[1], xml).split(JSON.parse(rep[2]) as string).join(JSON.parse(rep[3]) as string);
  const ex = /^extract\(("(?:[^"\\]|\\.)*"), 1, EventData\)$/s.exec(expr);
  if (!ex) throw new Error(`cannot evaluate ${expr}`);
  return new RegExp(JSON.parse(ex[1]) as string).exec(xml)?.[1] ?? '';
}

const xml = (items: Record<string, string>) =>
  `<EventData xmlns="http://schemas.microsoft.com/win/2004/08/events/event">${Object.entries(items)
    .map(([k, v]) => (v === '' ? `<Data Name="${k}" />` : `<Data Name="${k}">${v}</Data>`))
    .join('')}</EventData>`;

describe('xmlDataItem', () => {
  it('reads one item exactly, undoing XML escapes', () => {
    const doc = xml({
      ObjectDN: 'CN=a &amp; b,DC=corp',
      AttributeValue: '&lt;tag attr=&quot;x&quot;&gt; it&apos;s &amp;lt;',
      AccessList: '%%4416&#xD;&#xA;&#x9;%%4417',
      Empty: '',
    });
    expect(evaluate(xmlDataItem('EventData', 'ObjectDN'), doc)).toBe('CN=a & b,DC=corp');
    expect(evaluate(xmlDataItem('EventData', 'AttributeValue'), doc)).toBe('<tag attr="x"> it\'s &lt;');
    expect(evaluate(xmlDataItem('EventData', 'AccessList'), doc)).toBe('%%4416\r\n\t%%4417');
    expect(evaluate(xmlDataItem('EventData', 'Empty'), doc)).toBe('');
    expect(evaluate(xmlDataItem('EventData', 'Missing'), doc)).toBe('');
  });

  it('does not confuse an item with one whose name it prefixes', () => {
    const doc = xml({ TargetUserName: 'alice', TargetUser: 'bob' });
    expect(evaluate(xmlDataItem('EventData', 'TargetUser'), doc)).toBe('bob');
  });
});

describe('Windows channel data', () => {
  it('gives every Sysmon category at least one EventID and every service a channel', () => {
    for (const [c, ids] of Object.entries(SYSMON_CATEGORIES)) expect(ids.length, c).toBeGreaterThan(0);
    for (const [s, ch] of Object.entries(SERVICE_CHANNELS)) expect(ch.length, s).toBeGreaterThan(0);
  });

  it('reads Sysmon items from the dynamic EventData and system properties from columns', () => {
    expect(WINDOWS_EVENT_FIELDS.Image).toEqual({ expression: 'tostring(EventData.Image)', type: 'string', columns: ['EventData'] });
    expect(WINDOWS_EVENT_FIELDS.DestinationPort).toEqual({ expression: 'toint(EventData.DestinationPort)', type: 'int', columns: ['EventData'] });
    expect(WINDOWS_EVENT_FIELDS.EventID).toBe('EventID');
    expect(WINDOWS_EVENT_FIELDS.Provider_Name).toBe('Provider');
  });
});
