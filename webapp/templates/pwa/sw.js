/* Guia Odonto service worker (version {{ version }}).
   - static files (hashed names): cache-first;
   - the member card and plan pages: network-first, the last good copy kept for offline use;
   - any other page: network, with an offline page when there is no connection;
   - member pages are dropped at sign-out/sign-in (Clear-Site-Data, and the "purge" message). */
'use strict';
const VERSION = '{{ version }}';
const STATIC_CACHE = 'go-static-' + VERSION;
const MEMBER_CACHE = 'go-member';
const PRECACHE = {{ precache|safe }};

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(STATIC_CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('go-static-') && k !== STATIC_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'purge-member') {
    event.waitUntil(caches.delete(MEMBER_CACHE));
  }
});

function isMemberPage(url) {
  return url.pathname === '/carteirinha' || url.pathname.startsWith('/planos/');
}

async function networkFirst(request) {
  const cache = await caches.open(MEMBER_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      await cache.put(request.url.split('#')[0], response.clone());
    } else if (response.redirected) {
      await cache.delete(request.url.split('#')[0]);  // signed out: forget the old copy
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request.url.split('#')[0]);
    return cached || (await caches.match('/offline'));
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.startsWith('/static/dist/')) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  } else if (request.mode === 'navigate' && isMemberPage(url)) {
    event.respondWith(networkFirst(request));
  } else if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => caches.match('/offline')));
  }
});
