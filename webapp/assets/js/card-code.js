/* The card's eligibility code, computed on the phone without the network (RFC 6238: HMAC-SHA1
   through WebCrypto, 60-second steps, 6 digits; the server's side is webapp/members/totp.py),
   drawn as a QR code of /verificar/c/<member>.<device>.<code> with qrcode-generator.
   The key is in the page (private, kept only in the service worker's member cache, dropped at
   sign-out); nothing is written to localStorage or IndexedDB. Without WebCrypto (an http:// page
   outside localhost) the server's 10-minute QR stays. Loaded only on the card page. */
(function () {
  'use strict';
  var STEP = 60;
  var DIGITS = 6;
  var KEPT_COPY_MS = 2 * 60 * 1000;  // a page older than this when it opens came from the kept copy

  function bytesOfHex(hex) {
    var out = new Uint8Array(hex.length / 2);
    for (var i = 0; i < out.length; i += 1) { out[i] = parseInt(hex.substr(i * 2, 2), 16); }
    return out;
  }

  function counterBytes(counter) {
    var buffer = new ArrayBuffer(8);
    var view = new DataView(buffer);
    view.setUint32(0, Math.floor(counter / 4294967296));
    view.setUint32(4, counter >>> 0);
    return buffer;
  }

  // RFC 4226 dynamic truncation of the HMAC of the counter.
  function hotp(key, counter) {
    return crypto.subtle.sign('HMAC', key, counterBytes(counter)).then(function (signature) {
      var mac = new Uint8Array(signature);
      var offset = mac[mac.length - 1] & 15;
      var value = ((mac[offset] & 127) * 16777216) + (mac[offset + 1] << 16) + (mac[offset + 2] << 8) + mac[offset + 3];
      var code = String(value % Math.pow(10, DIGITS));
      while (code.length < DIGITS) { code = '0' + code; }
      return code;
    });
  }

  function qrSvg(url, title, id) {
    var qr = qrcode(0, 'M');
    qr.addData(url);
    qr.make();
    return qr.createSvgTag({ cellSize: 4, margin: 8, scalable: true, title: { text: title, id: id } });
  }

  function initCode(box) {
    var live = box.querySelector('.js-code-live');
    var value = box.querySelector('.js-code-value');
    var progress = box.querySelector('.js-code-progress');
    var seconds = box.querySelector('.js-code-seconds');
    var figure = box.querySelector('.js-code-qr');
    var fallback = box.querySelector('.js-code-fallback');
    var url = box.getAttribute('data-url');
    crypto.subtle.importKey('raw', bytesOfHex(box.getAttribute('data-key')), { name: 'HMAC', hash: 'SHA-1' },
      false, ['sign']).then(function (key) {
      var shown = null;
      function tick() {
        var now = Date.now() / 1000;
        var counter = Math.floor(now / STEP);
        var left = STEP - Math.floor(now % STEP);
        progress.value = left;
        seconds.textContent = String(left);
        if (counter === shown) { return; }
        shown = counter;
        hotp(key, counter).then(function (code) {
          if (shown !== counter) { return; }
          value.textContent = code.slice(0, 3) + ' ' + code.slice(3);
          value.setAttribute('data-code', code);
          figure.innerHTML = qrSvg(url + code, box.getAttribute('data-qr-title'), box.getAttribute('data-qr-id'));
          fallback.hidden = true;
          live.hidden = false;
        });
      }
      tick();
      window.setInterval(tick, 1000);
    }).catch(function () { /* the server's QR stays */ });
  }

  // Shown from the service worker's kept copy (offline, or a page much older than now): say since
  // when, and that the code still works.
  function initOffline() {
    var notice = document.querySelector('.js-card-offline');
    var updated = document.querySelector('.js-card-updated');
    if (!notice || !updated) { return; }
    var kept = Date.now() - Number(updated.getAttribute('data-updated')) > KEPT_COPY_MS;
    function show() {
      notice.hidden = navigator.onLine && !kept;
      updated.hidden = !notice.hidden;  // the notice says the same time, and more
    }
    show();
    window.addEventListener('online', show);
    window.addEventListener('offline', show);
  }

  function init() {
    initOffline();
    if (!window.crypto || !crypto.subtle || typeof qrcode !== 'function') { return; }
    document.querySelectorAll('.js-card-code').forEach(initCode);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
