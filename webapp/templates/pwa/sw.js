/* Guia Odonto service worker (version {{ version }}).
   - static files (hashed names): cache-first;
   - the home page, Urgência, the member card, the family's waiting periods and plan pages:
     network-first, the last good copy kept for offline use;
   - Urgência signed out (the plan choice, with every plan's phone): precached without cookies,
     so the installed app's shortcut never answers "Sem conexão" — nobody's page, shown offline
     when this session kept no copy of its own (a member's own copy always comes first);
   - any other page: network, with an offline page when there is no connection.
   Kept pages belong to the member session they were fetched in. Every answer of the app names
   its session in the {{ session_header }} header (a marker that says nothing about the member,
   or "{{ no_session }}"), so each online contact — a page or an htmx request — that names another
   session, or none, drops them all before it is shown; so does the card answered with a
   redirect (to the sign-in page), which hides its headers (the waiting periods' page likewise). Offline, the copies are shown only
   while their session could still be alive: no longer after the last contact than the session
   cookie lives. */
'use strict';
const VERSION = '{{ version }}';
const STATIC_CACHE = 'go-static-' + VERSION;
const MEMBER_CACHES = 'go-member';  // 'go-member-<marker>': the pages kept under that session
const SESSION_HEADER = '{{ session_header }}';
const NO_SESSION = '{{ no_session }}';
const SESSION_LIFETIME_MS = {{ session_lifetime_ms }};
const LAST_CONTACT = '/sw/ultimo-contato';  // a cache entry, not a page: when the session was last seen alive
const PRECACHE = {{ precache|safe }};
const OFFLINE = {{ offline_url|tojson }};
const STATIC_PREFIX = {{ static_prefix|tojson }};  // the hashed static files
const CARD = {{ card_url|tojson }};
const WAITING = {{ waiting_url|tojson }};
const PLAN_PAGES = {{ plan_pages|tojson }};
const HOME = {{ home_url|tojson }};
const URGENCY = {{ urgency_url|tojson }};
const URGENCY_CACHE = 'go-urgency-' + VERSION;  // the signed-out Urgência pages, nobody's
const URGENCY_PAGES = {{ urgency_pages|safe }};

// Fetched without cookies: the offline page is shown to whoever is offline, so it must be
// nobody's page (signed in, its header names the member).
self.addEventListener('install', (event) => {
  const requests = PRECACHE.map((url) => new Request(url, { credentials: 'omit' }));
  const urgency = URGENCY_PAGES.map((url) => new Request(url, { credentials: 'omit' }));
  event.waitUntil(Promise.all([
    caches.open(STATIC_CACHE).then((cache) => cache.addAll(requests)),
    caches.open(URGENCY_CACHE).then((cache) => cache.addAll(urgency)),
  ]).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((k) => (k.startsWith('go-static-') && k !== STATIC_CACHE)
          || (k.startsWith('go-urgency-') && k !== URGENCY_CACHE) || k === MEMBER_CACHES)  // the unnamed cache of older workers
        .map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function isMemberPage(url) {
  return url.pathname === HOME || url.pathname === URGENCY || url.pathname === CARD || url.pathname === WAITING
    || url.pathname.startsWith(PLAN_PAGES);
}

async function dropMemberPages(except) {
  const names = (await caches.keys()).filter((k) => k.startsWith(MEMBER_CACHES) && k !== except);
  await Promise.all(names.map((k) => caches.delete(k)));
}

// Reads the session an answer names, drops the pages of any other session and notes that this
// one is alive now. Gives the name of the cache for this session's pages, or null when the
// answer names none (not an answer of the app).
async function learnSession(response) {
  const marker = response.headers.get(SESSION_HEADER);
  if (!marker) { return null; }
  const name = MEMBER_CACHES + '-' + marker;
  await dropMemberPages(name);
  if (marker !== NO_SESSION) {
    await (await caches.open(name)).put(LAST_CONTACT, new Response(String(Date.now())));
  }
  return name;
}

// The last good copy of a page, from a session that could still be alive.
async function lastGoodCopy(url) {
  for (const name of (await caches.keys()).filter((k) => k.startsWith(MEMBER_CACHES + '-'))) {
    const cache = await caches.open(name);
    if (name !== MEMBER_CACHES + '-' + NO_SESSION) {
      const contact = await cache.match(LAST_CONTACT);
      const seen = contact ? Number(await contact.text()) : 0;
      if (!(Date.now() - seen <= SESSION_LIFETIME_MS)) {  // its cookie has expired since: signed out
        await caches.delete(name);
        continue;
      }
    }
    const hit = await cache.match(url);
    if (hit) { return hit; }
  }
  return null;
}

// Offline and no copy of this session's own: the signed-out Urgência page (never the home page:
// a signed-out copy of it must not stand in for a member's, nor the reverse).
async function publicCopy(url) {
  if (new URL(url).pathname !== URGENCY) { return null; }
  const cache = await caches.open(URGENCY_CACHE);
  return (await cache.match(url)) || (await cache.match(URGENCY)) || null;
}

async function networkFirst(request) {
  const url = request.url.split('#')[0];
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return (await lastGoodCopy(url)) || (await publicCopy(url)) || (await caches.match(OFFLINE));
  }
  if (response.type === 'opaqueredirect' || response.redirected) {
    // The card and the waiting periods redirect only to the sign-in page (plan pages, the home
    // page and Urgência not at all): signed out.
    await dropMemberPages();
    return response;
  }
  const name = await learnSession(response);
  if (name && response.ok) {
    await (await caches.open(name)).put(url, response.clone());
  }
  return response;
}

async function network(request) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return request.mode === 'navigate' ? caches.match(OFFLINE) : Response.error();
  }
  await learnSession(response);
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  } else if (request.mode === 'navigate' && isMemberPage(url)) {
    event.respondWith(networkFirst(request));
  } else if (request.mode === 'navigate' || request.headers.has('HX-Request')) {
    event.respondWith(network(request));
  }
});
