// The scanner's service worker (#21): keeps the scanner page and the production build's static
// files it loaded, so the page opens again on a door phone that lost its network. Pages are asked
// of the network first (fresh when online) and come from the cache without it, and so are the
// door's own scripts (/door/*.js: plain names, so a cached copy would outlive a change to them, e.g.
// check-in lists); the build's files have content-hashed names, so a cached one is always right. The API and the websocket never pass
// through the cache: ticket data lives in IndexedDB (store.js), not here.
const CACHE = "eventpalour-door-v2"; // v1 kept the door's scripts cache-first: dropped on activate

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) =>
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("eventpalour-door-") && n !== CACHE)
        .map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  ),
);

// The page sends what it loaded before this worker controlled it.
self.addEventListener("message", (event) => {
  const urls = (event.data && event.data.cache) || [];
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(urls.map((u) => cache.add(u).catch(() => null)))));
});

function cacheable(url) {
  return url.origin === self.location.origin && !url.pathname.startsWith("/api/") && !url.pathname.startsWith("/_");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || !cacheable(url)) return;
  if (request.mode === "navigate" || url.pathname.startsWith("/door/")) {
    event.respondWith(
      fetch(request)
        .then((answer) => {
          if (answer.ok) {
            const copy = answer.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return answer;
        })
        .catch(() => caches.match(request, { ignoreSearch: true, ignoreVary: true })),
    );
    return;
  }
  event.respondWith(
    // ignoreVary: the server answers with Vary: Origin, and module scripts ask with an Origin header
    // that the page's copy (cache.add) was fetched without.
    caches.match(request, { ignoreVary: true }).then(
      (hit) =>
        hit ||
        fetch(request).then((answer) => {
          if (answer.ok) {
            const copy = answer.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return answer;
        }),
    ),
  );
});
