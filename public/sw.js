/*
 * siglab's service worker: makes the playground work offline after the first visit.
 * It only ever talks to the page's own origin. The page and the example files are fetched from
 * the network first (so a new deployment is picked up) and from the cache when offline; hashed
 * build assets never change, so they are served from the cache first. The list of assets to
 * keep comes from precache.json, written at build time (vite.config.ts).
 */
const CACHE = 'siglab-offline-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const scope = new URL(self.registration.scope);
      const res = await fetch(new URL('precache.json', scope), { cache: 'no-store' });
      const files = res.ok ? await res.json() : [];
      await cache.addAll([scope.href, ...files.map((f) => new URL(f, scope).href)]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  const scope = new URL(self.registration.scope);
  const immutable = url.pathname.startsWith(`${scope.pathname}assets/`);
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // Navigations (any #fragment, any path) are the app page.
      const key = req.mode === 'navigate' ? scope.href : req;
      if (immutable) {
        // The dev/preview servers send `Vary: Origin`; a module script request carries an Origin.
        const hit = await cache.match(key, { ignoreVary: true });
        if (hit) return hit;
      }
      try {
        const res = await fetch(req);
        if (res.ok) await cache.put(key, res.clone());
        return res;
      } catch (e) {
        const hit = await cache.match(key, { ignoreSearch: true, ignoreVary: true });
        if (hit) return hit;
        throw e;
      }
    })(),
  );
});
