/**
 * Large event texts of saved drafts live in IndexedDB (localStorage holds about 5 MB per origin;
 * IndexedDB holds far more). One object store, keyed by draft id. Every call resolves, never
 * rejects: a browser without IndexedDB (or with it blocked) just keeps smaller drafts.
 */
const DB = 'siglab';
const STORE = 'draft-events';

let opening: Promise<IDBDatabase | undefined> | undefined;

function db(): Promise<IDBDatabase | undefined> {
  opening ??= new Promise((resolve) => {
    try {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(undefined);
      req.onblocked = () => resolve(undefined);
    } catch {
      resolve(undefined);
    }
  });
  return opening;
}

function run<T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest<T>): Promise<{ ok: boolean; value?: T; error?: string }> {
  return db().then(
    (d) =>
      new Promise((resolve) => {
        if (!d) return resolve({ ok: false, error: 'IndexedDB is not available' });
        try {
          const tx = d.transaction(STORE, mode);
          const req = op(tx.objectStore(STORE));
          tx.oncomplete = () => resolve({ ok: true, value: req.result });
          tx.onerror = () => resolve({ ok: false, error: tx.error?.name === 'QuotaExceededError' ? 'the browser storage is full' : (tx.error?.message ?? 'write failed') });
          tx.onabort = () => resolve({ ok: false, error: tx.error?.name === 'QuotaExceededError' ? 'the browser storage is full' : (tx.error?.message ?? 'write aborted') });
        } catch (e) {
          resolve({ ok: false, error: e instanceof Error ? e.message : String(e) });
        }
      }),
  );
}

export async function putEvents(id: string, text: string): Promise<{ ok: boolean; error?: string }> {
  return run('readwrite', (s) => s.put(text, id));
}

export async function getEvents(id: string): Promise<string | undefined> {
  const r = await run<unknown>('readonly', (s) => s.get(id));
  return typeof r.value === 'string' ? r.value : undefined;
}

export async function deleteEvents(ids: string[]): Promise<void> {
  for (const id of ids) await run('readwrite', (s) => s.delete(id));
}
