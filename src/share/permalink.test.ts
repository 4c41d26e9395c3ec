import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'fflate';
import {
  base64UrlDecode,
  base64UrlEncode,
  crc32,
  decodePermalink,
  decodeWtf8,
  describeShareState,
  encodePermalink,
  encodePrefill,
  encodeWtf8,
  LONG_LINK_CHARS,
  MAX_INFLATED_BYTES,
  MAX_LINK_CHARS,
  type ShareState,
} from './permalink.ts';
import { PERMALINK_DICTIONARY_V1 } from './dictionary-v1.ts';

function roundTrip(state: ShareState): ShareState {
  const fragment = encodePermalink(state);
  expect(fragment).toMatch(/^v1\/[A-Za-z0-9_-]+$/);
  const decoded = decodePermalink(`#${fragment}`);
  expect(decoded.diagnostics).toEqual([]);
  expect(decoded.format).toBe('v1');
  return decoded.state!;
}

/** Builds a v1 fragment by hand from the documented layout, independently of the encoder. */
function handMadeV1(fields: Array<[number, Uint8Array]>, opts: { badCrc?: boolean; noEnd?: boolean } = {}): string {
  const bytes: number[] = [];
  const varint = (v: number) => {
    while (v >= 0x80) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
  };
  for (const [tag, value] of fields) {
    varint(tag);
    varint(value.length);
    bytes.push(...value);
  }
  if (!opts.noEnd) {
    const crc = crc32(Uint8Array.from(bytes)) ^ (opts.badCrc ? 1 : 0);
    bytes.push(0, crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255);
  }
  const compressed = deflateSync(Uint8Array.from(bytes), { dictionary: encodeWtf8(PERMALINK_DICTIONARY_V1) });
  return `v1/${base64UrlEncode(compressed)}`;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('round trip', () => {
  it('a full state survives exactly', () => {
    const state: ShareState = {
      rule: 'title: x\n',
      target: 'defender-xdr',
      events: '{"a": 1}\n{"a": 2}\n',
      expectations: { 0: 'match', 1: 'filtered', 7: 'nomatch' },
      mapping: 'Image: FolderPath',
      placeholders: 'Admins:\n  - alice',
      selectedRow: 7,
    };
    expect(roundTrip(state)).toEqual(state);
  });

  it('optional parts stay absent, empty strings stay empty', () => {
    expect(roundTrip({ rule: '', target: '' })).toEqual({ rule: '', target: '' });
    expect(roundTrip({ rule: 'r', target: 't', events: '', mapping: '', placeholders: '', expectations: {} })).toEqual({
      rule: 'r', target: 't', events: '', mapping: '', placeholders: '', expectations: {},
    });
    expect(roundTrip({ rule: 'r', target: 't', selectedRow: 0 })).toEqual({ rule: 'r', target: 't', selectedRow: 0 });
  });

  const unicodeRules: Array<[string, string]> = [
    ['emoji and ZWJ sequences', "title: 🦀 Rust 👩‍💻 🏳️‍🌈\ndetection:\n    sel:\n        Data|contains: '💀🔥'\n    condition: sel\n"],
    ['CJK, Cyrillic, Greek', 'title: 检测可疑的 PowerShell 执行 — Обнаружение — Ανίχνευση\n'],
    ['right-to-left and bidi controls', 'title: كشف تنفيذ مشبوه \u202e exe.txt\n'],
    ['combining marks, NFC vs NFD kept apart', 'title: e\u0301 é Å Å\n'],
    ['BOM, NUL, CRLF, tabs', '\ufefftitle: a\r\n\tb\u0000c\r\n'],
    ['lone surrogates (a broken paste)', 'title: \ud83d alone \udc00 also\ud800'],
    ['astral plane and noncharacters', 'title: 𝕊𝕚𝕘𝕞𝕒 \u{10ffff} \ufffe \uffff'],
  ];
  for (const [name, rule] of unicodeRules) {
    it(`Unicode: ${name}`, () => {
      const back = roundTrip({ rule, target: 'sentinel-asim', events: rule });
      expect(back.rule).toBe(rule);
      expect(back.events).toBe(rule);
      expect(back.rule.length).toBe(rule.length);
    });
  }

  it('any JavaScript string survives (property)', () => {
    const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    const text = fc.oneof(fc.string({ unit: anyUnit, maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ maxLength: 200 }));
    const state = fc.record(
      {
        rule: text,
        target: fc.string({ maxLength: 20 }),
        events: text,
        expectations: fc.dictionary(fc.nat({ max: 100000 }).map(String), fc.constantFrom('match', 'filtered', 'nomatch') as fc.Arbitrary<'match' | 'filtered' | 'nomatch'>, { maxKeys: 20 }),
        mapping: text,
        placeholders: text,
        selectedRow: fc.nat({ max: 1_000_000 }),
      },
      { requiredKeys: ['rule', 'target'] },
    );
    fc.assert(
      fc.property(state, (s) => {
        const back = decodePermalink(encodePermalink(s as ShareState));
        expect(back.diagnostics).toEqual([]);
        const expected = { ...s, expectations: s.expectations ? Object.fromEntries(Object.entries(s.expectations)) : undefined };
        if (!s.expectations) delete expected.expectations;
        expect(back.state).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('WTF-8 round trips every code unit sequence and rejects what it never writes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 64 }), (units) => {
        const s = String.fromCharCode(...units);
        expect(decodeWtf8(encodeWtf8(s))).toBe(s);
      }),
    );
    // Well-formed text is plain UTF-8.
    expect(encodeWtf8('aé🦀')).toEqual(utf8('aé🦀'));
    expect(decodeWtf8(Uint8Array.of(0xc0, 0x80))).toBeUndefined(); // overlong
    expect(decodeWtf8(Uint8Array.of(0x80))).toBeUndefined(); // stray continuation
    expect(decodeWtf8(Uint8Array.of(0xe2, 0x82))).toBeUndefined(); // truncated
    expect(decodeWtf8(Uint8Array.of(0xf4, 0x90, 0x80, 0x80))).toBeUndefined(); // > U+10FFFF
    expect(decodeWtf8(Uint8Array.of(0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80))).toBeUndefined(); // split surrogate pair
  });

  it('base64url is canonical and strict', () => {
    expect(base64UrlEncode(utf8('sigma?>'))).toBe('c2lnbWE_Pg');
    expect(new TextDecoder().decode(base64UrlDecode('c2lnbWE_Pg'))).toBe('sigma?>');
    expect(new TextDecoder().decode(base64UrlDecode('c2lnbWE/Pg=='))).toBe('sigma?>');
    expect(base64UrlDecode('c2lnbWE_Ph')).toBeUndefined(); // non-zero leftover bits
    expect(base64UrlDecode('abcde')).toBeUndefined(); // impossible length
    expect(base64UrlDecode('ab!d')).toBeUndefined();
    expect(base64UrlDecode('ab===')).toBeUndefined(); // too much padding
  });
});

describe('format v1 is frozen', () => {
  it('the v1 dictionary never changes', () => {
    const bytes = encodeWtf8(PERMALINK_DICTIONARY_V1);
    expect(bytes.length).toBe(32737);
    expect(crc32(bytes).toString(16)).toBe(FROZEN_DICTIONARY_CRC);
  });

  it('decodes a link made by the first v1 encoder', () => {
    const result = decodePermalink(`#${FROZEN_V1_LINK}`);
    expect(result.diagnostics).toEqual([]);
    expect(result.state).toEqual({
      rule: "title: Frozen v1 example — ünïcödé 🦀\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        Image|endswith: '\\whoami.exe'\n    condition: selection\nlevel: high\n",
      target: 'sentinel-asim',
      events: '[{"Image":"C:\\\\Windows\\\\System32\\\\whoami.exe"},{"Image":"x"}]',
      expectations: { 0: 'match', 1: 'nomatch', 2: 'filtered' },
      mapping: 'Image: FolderPath',
      placeholders: 'Admins: [alice, bob]',
      selectedRow: 1,
    });
  });

  it('the documented layout, written by hand, decodes', () => {
    const link = handMadeV1([
      [1, utf8('title: hand made')],
      [2, utf8('azure-monitor')],
      [4, utf8('0m,12f')],
      [7, utf8('12')],
    ]);
    expect(decodePermalink(link)).toEqual({
      state: { rule: 'title: hand made', target: 'azure-monitor', expectations: { 0: 'match', 12: 'filtered' }, selectedRow: 12 },
      format: 'v1',
      diagnostics: [],
    });
  });

  it('fields added by later versions are skipped with a note', () => {
    const link = handMadeV1([
      [1, utf8('title: newer')],
      [2, utf8('sentinel-asim')],
      [42, utf8('something only v1.5 knows')],
    ]);
    const r = decodePermalink(link);
    expect(r.state).toEqual({ rule: 'title: newer', target: 'sentinel-asim' });
    expect(r.diagnostics).toMatchObject([{ code: 'link-newer-fields', severity: 'info' }]);
  });

  it('broken layouts load nothing', () => {
    const bad = (link: string, code: string) => {
      const r = decodePermalink(link);
      expect(r.state, link).toBeUndefined();
      expect(r.diagnostics[0].code).toBe(code);
      expect(r.diagnostics[0].severity).toBe('error');
    };
    bad(handMadeV1([[1, utf8('r')], [2, utf8('t')]], { badCrc: true }), 'link-corrupt');
    bad(handMadeV1([[1, utf8('r')], [2, utf8('t')]], { noEnd: true }), 'link-corrupt');
    bad(handMadeV1([[2, utf8('t')]]), 'link-corrupt'); // no rule
    bad(handMadeV1([[1, utf8('r')], [1, utf8('r')], [2, utf8('t')]]), 'link-corrupt'); // duplicate tag
    bad(handMadeV1([[1, Uint8Array.of(0xff)], [2, utf8('t')]]), 'link-corrupt'); // invalid text
    bad(handMadeV1([[1, utf8('r')], [2, utf8('t')], [4, utf8('0x')]]), 'link-corrupt');
    bad(handMadeV1([[1, utf8('r')], [2, utf8('t')], [7, utf8('-1')]]), 'link-corrupt');
    bad(handMadeV1([[1, utf8('r')], [2, utf8('t')], [7, utf8('01')]]), 'link-corrupt');
  });
});

describe('hostile and broken links', () => {
  const good = encodePermalink({ rule: 'title: cut me\ndetection:\n    sel:\n        a: b\n    condition: sel\n', target: 'sentinel-asim', events: '{"a":"b"}' });

  it('every truncation is refused, never half-loaded', () => {
    for (let n = 0; n < good.length; n++) {
      const r = decodePermalink(good.slice(0, n));
      expect(r.state, `cut at ${n}`).toBeUndefined();
      expect(['link-truncated', 'link-corrupt', 'link-empty', 'link-version']).toContain(r.diagnostics[0].code);
    }
  });

  it('a changed character is caught', () => {
    const payload = good.slice(3);
    for (let i = 0; i < payload.length; i++) {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const c = alphabet[(alphabet.indexOf(payload[i]) + 17) % 64];
      const r = decodePermalink(`v1/${payload.slice(0, i)}${c}${payload.slice(i + 1)}`);
      expect(r.state, `changed at ${i}`).toBeUndefined();
    }
  });

  it('wrong prefixes and versions say what is wrong', () => {
    expect(decodePermalink('v2/abc').diagnostics[0]).toMatchObject({ code: 'link-version', message: expect.stringMatching(/newer siglab/) });
    expect(decodePermalink('v0/abc').diagnostics[0].code).toBe('link-version');
    expect(decodePermalink('hello').diagnostics[0].code).toBe('link-corrupt');
    expect(decodePermalink('').diagnostics[0].code).toBe('link-empty');
    expect(decodePermalink('#').diagnostics[0].code).toBe('link-empty');
    expect(decodePermalink('v1/ab cd').diagnostics[0].code).toBe('link-corrupt');
    expect(decodePermalink('v1/').diagnostics[0].code).toBe('link-truncated');
    expect(decodePermalink(42 as unknown as string).diagnostics[0].code).toBe('link-corrupt');
  });

  it('a link over 1 MB is refused before any work', () => {
    const huge = `v1/${'A'.repeat(MAX_LINK_CHARS + 10)}`;
    const t0 = performance.now();
    const r = decodePermalink(huge);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(r.state).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ code: 'link-too-large', message: expect.stringMatching(/1,000,000-character limit/) });
    expect(decodePermalink(`rule=${'A'.repeat(MAX_LINK_CHARS + 10)}`).diagnostics[0].code).toBe('link-too-large');
  });

  it('a decompression bomb is stopped at the cap', () => {
    // A hand-made fixed-Huffman block: one literal, then "copy 258 bytes at distance 1" over and
    // over (13 bits per 258 bytes). A 700 KB link that would unpack to about 110 MiB.
    const bits: number[] = [];
    const put = (value: number, n: number) => {
      for (let i = 0; i < n; i++) bits.push((value >> i) & 1);
    };
    const huff = (code: number, n: number) => {
      for (let i = n - 1; i >= 0; i--) bits.push((code >> i) & 1);
    };
    put(1, 1); // final block
    put(1, 2); // fixed Huffman codes
    huff(0x30 + 65, 8); // literal 'A'
    const copies = 440_000;
    for (let i = 0; i < copies; i++) {
      huff(0b11000101, 8); // length code 285: 258 bytes
      huff(0, 5); // distance code 0: distance 1
    }
    huff(0, 7); // end of block
    const bytes = new Uint8Array(Math.ceil(bits.length / 8));
    bits.forEach((b, i) => (bytes[i >> 3] |= b << (i & 7)));
    const bomb = `v1/${base64UrlEncode(bytes)}`;
    expect(bomb.length).toBeLessThan(MAX_LINK_CHARS);
    expect(copies * 258).toBeGreaterThan(6 * MAX_INFLATED_BYTES);
    const r = decodePermalink(bomb);
    expect(r.state).toBeUndefined();
    // `link-too-large` (not the checksum's `link-corrupt`) shows inflating stopped at the cap.
    expect(r.diagnostics[0]).toMatchObject({ code: 'link-too-large', message: expect.stringMatching(/16 MiB/) });
    expect(MAX_INFLATED_BYTES).toBe(16 * 1024 * 1024);
  });

  it('a payload just under the cap still decodes', () => {
    const events = 'x'.repeat(MAX_INFLATED_BYTES - 1000);
    const r = decodePermalink(encodePermalink({ rule: 'r', target: 't', events }));
    expect(r.diagnostics).toEqual([]);
    expect(r.state?.events?.length).toBe(events.length);
  });

  it('random text never throws (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = decodePermalink(s);
        expect(Array.isArray(r.diagnostics)).toBe(true);
        if (!r.state) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('random bytes behind a valid prefix never throw and never load (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom('v1/', '#v1/', 'rule='), (bytes, prefix) => {
        const r = decodePermalink(prefix + base64UrlEncode(bytes));
        if (prefix === 'rule=') {
          // A prefill link is just base64 of text: valid UTF-8 loads, anything else is refused.
          const text = decodeWtf8(bytes);
          if (text === undefined) expect(r.state).toBeUndefined();
          else expect(r.state?.rule).toBe(text);
        } else {
          expect(r.state).toBeUndefined();
          expect(r.diagnostics[0].severity).toBe('error');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('random valid deflate streams with garbage layouts never throw (property)', () => {
    const dict = encodeWtf8(PERMALINK_DICTIONARY_V1);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = decodePermalink(`v1/${base64UrlEncode(deflateSync(bytes, { dictionary: dict }))}`);
        expect(r.state).toBeUndefined();
        expect(r.diagnostics[0].code).toBe('link-corrupt');
      }),
      { numRuns: 500 },
    );
  });
});

describe('prefill links', () => {
  it('rule and target, from encodePrefill', () => {
    const rule = 'title: Prefill ✓\n';
    const fragment = encodePrefill(rule, 'defender-xdr');
    expect(fragment).toMatch(/^rule=[A-Za-z0-9_-]+&target=defender-xdr$/);
    expect(decodePermalink(`#${fragment}`)).toEqual({ state: { rule, target: 'defender-xdr' }, format: 'prefill', diagnostics: [] });
  });

  it('written by other sites: standard base64, padding, percent-encoding, any order', () => {
    const rule = 'title: ünï?>~\n';
    const std = Buffer.from(rule, 'utf8').toString('base64');
    expect(std).toMatch(/[+/=]/);
    expect(decodePermalink(`#target=sentinel-asim&rule=${encodeURIComponent(std)}`).state).toEqual({ rule, target: 'sentinel-asim' });
    expect(decodePermalink(`#rule=${std}&target=sentinel-asim`).state).toEqual({ rule, target: 'sentinel-asim' });
  });

  it('no target: the state says so and the app keeps its own', () => {
    const r = decodePermalink(encodePrefill('title: x'));
    expect(r.state).toEqual({ rule: 'title: x', target: '' });
    expect(r.diagnostics).toMatchObject([{ code: 'link-no-target', severity: 'info' }]);
  });

  it('broken prefill links load nothing', () => {
    expect(decodePermalink('rule=%%%').diagnostics[0].code).toBe('link-corrupt');
    expect(decodePermalink('rule=*notbase64*').diagnostics[0].code).toBe('link-corrupt');
    expect(decodePermalink(`rule=${base64UrlEncode(Uint8Array.of(0xff, 0xfe))}`).state).toBeUndefined();
  });
});

describe('describeShareState', () => {
  it('says what a link restored', () => {
    expect(describeShareState({ rule: 'é', target: 'sentinel-asim', events: '{}', expectations: { 0: 'match', 1: 'nomatch' }, selectedRow: 0 })).toBe(
      'rule (2 bytes), target sentinel-asim, events (2 bytes), 2 expected verdicts, selected row 1',
    );
    expect(describeShareState({ rule: '', target: '', mapping: 'x', placeholders: 'y' })).toBe('rule (0 bytes), field mapping, placeholders');
  });
});

// ---------------------------------------------------------------------------------------------
// The SigmaHQ corpus: byte-exact round trip and link size figures

const corpusRoot = path.resolve(__dirname, '../../../shared/sigma');
const corpusPresent = fs.existsSync(corpusRoot);

function corpusFiles(): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) files.push(p);
    }
  };
  fs.readdirSync(corpusRoot).filter((d) => d.startsWith('rules')).forEach((d) => walk(path.join(corpusRoot, d)));
  return files.sort();
}

describe('SigmaHQ corpus', () => {
  if (!corpusPresent) {
    it('skipped: ../shared/sigma is absent', () => expect(corpusPresent).toBe(false));
    return;
  }

  it('every rule survives encode/decode byte for byte', () => {
    const files = corpusFiles();
    expect(files.length).toBeGreaterThan(3000);
    const failures: string[] = [];
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      const rule = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      const r = decodePermalink(encodePermalink({ rule, target: 'sentinel-asim' }));
      if (r.state?.rule !== rule || Buffer.compare(Buffer.from(encodeWtf8(r.state.rule)), bytes) !== 0) failures.push(file);
    }
    expect(failures).toEqual([]);
  });

  it('rule-only links: median at most 50% of the rule size, 99% under 8,000 characters', () => {
    const ratios: number[] = [];
    const lengths: number[] = [];
    for (const file of corpusFiles()) {
      const bytes = fs.readFileSync(file);
      const fragment = encodePermalink({ rule: bytes.toString('utf8'), target: 'sentinel-asim' });
      const link = `https://siglab.example/#${fragment}`.length - 'https://siglab.example/'.length;
      ratios.push(link / bytes.length);
      lengths.push(link);
    }
    ratios.sort((a, b) => a - b);
    lengths.sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)];
    const p99 = lengths[Math.floor(lengths.length * 0.99)];
    const under = lengths.filter((l) => l < LONG_LINK_CHARS).length / lengths.length;
    console.log(
      `permalink size over ${ratios.length} SigmaHQ rules: median ${(median * 100).toFixed(1)}% of the rule bytes, ` +
        `p99 ${p99} characters, ${(under * 100).toFixed(2)}% under ${LONG_LINK_CHARS}, longest ${lengths[lengths.length - 1]}`,
    );
    expect(median).toBeLessThanOrEqual(0.5);
    expect(under).toBeGreaterThanOrEqual(0.99);
  });
});

// Frozen values: never regenerate these to make a test pass (see dictionary-v1.ts).
const FROZEN_DICTIONARY_CRC = '2a93d98d';
const FROZEN_V1_LINK =
  'v1/Y7zECHU48BqeKuBayDJDYBgBb90Angz5qGGKwuE9eYfXJx_elnJ4pcKH-csakGOcnF4GUtrBUlhg305fngEadMa_fQWlvc7Ei7J-mdk2uloJbKySlRJwmAI-ToEYzUCyQ6lWB6G6Qqk2loXDIFfHME_HKI1VENL3U3AD3_YGWrfAJgLuwwCbsdGgOAIe55KUnxTLzmjIULFvXRgA';

describe('expectation tokens (tag 8, added after v1 shipped)', () => {
  it('no-alert and filtered:<id> round-trip; tag 4 keeps the nearest v1 reading for older decoders', () => {
    const state: ShareState = { rule: 'r', target: 'sentinel-asim', events: '[]', expectationTokens: { 0: 'match', 2: 'no-alert', 5: 'filtered:filter_main', 9: 'nomatch' } };
    const decoded = roundTrip(state);
    expect(decoded.expectationTokens).toEqual({ 0: 'match', 2: 'no-alert', 5: 'filtered:filter_main', 9: 'nomatch' });
    expect(decoded.expectations).toEqual({ 0: 'match', 5: 'filtered', 9: 'nomatch' });
  });

  it('tokens that tag 4 says exactly write the same link as plain v1 expectations', () => {
    const tokens = encodePermalink({ rule: 'r', target: 't', expectationTokens: { 0: 'match', 3: 'filtered', 4: 'nomatch' } });
    const plain = encodePermalink({ rule: 'r', target: 't', expectations: { 0: 'match', 3: 'filtered', 4: 'nomatch' } });
    expect(tokens).toBe(plain);
    expect(decodePermalink(tokens).state?.expectationTokens).toBeUndefined();
  });

  it('invalid tokens are dropped on encode and refuse the link on decode', () => {
    const decoded = roundTrip({ rule: 'r', target: 't', expectationTokens: { 0: 'maybe', 1: 'no-alert', ['x' as unknown as number]: 'match' } });
    expect(decoded.expectationTokens).toEqual({ 1: 'no-alert' });
    for (const bad of ['[1]', '{"0":"maybe"}', '{"-1":"match"}', 'not json', '{"__proto__":"match"}']) {
      const r = decodePermalink(handMadeV1([[1, utf8('r')], [2, utf8('t')], [8, utf8(bad)]]));
      expect(r.state, bad).toBeUndefined();
      expect(r.diagnostics[0].code).toBe('link-corrupt');
    }
  });

  it('the summary counts each expected event once', () => {
    expect(describeShareState({ rule: 'r', target: 't', expectations: { 0: 'match', 1: 'filtered' }, expectationTokens: { 1: 'filtered:f', 2: 'no-alert' } })).toContain('3 expected verdicts');
  });
});
