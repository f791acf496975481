/* Guia Odonto — small progressive enhancements, attached by data-/js- hooks.
   Everything here has a no-JavaScript baseline in the HTML. */
(function () {
  'use strict';

  // "Usar minha localização": only where the browser can; the messages are already in the page.
  function initGeolocate(root) {
    root.querySelectorAll('[data-module="geolocate"]').forEach(function (box) {
      var button = box.querySelector('.js-geolocate');
      if (!button || !('geolocation' in navigator)) { box.hidden = true; return; }
      var show = function (cls) {
        box.querySelectorAll('[class*="js-geo-"]').forEach(function (el) { el.hidden = !el.classList.contains(cls); });
      };
      // No plan yet: say so beside the plan field (the message is in the page) and stay.
      var form = box.closest('form');
      var plan = form && form.querySelector('select[name="plano"]');
      var needsPlan = form && form.querySelector('.js-geo-needs-plan');
      if (plan && needsPlan) {
        plan.addEventListener('change', function () { if (plan.value) { needsPlan.hidden = true; } });
      }
      button.addEventListener('click', function () {
        if (plan && needsPlan && !plan.value) {
          show('js-geo-none');
          needsPlan.hidden = false;
          var described = (plan.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
          if (described.indexOf(needsPlan.id) < 0) { plan.setAttribute('aria-describedby', described.concat(needsPlan.id).join(' ')); }
          plan.focus();
          return;
        }
        show('js-geo-searching');
        navigator.geolocation.getCurrentPosition(function (pos) {
          var params = new URLSearchParams(new FormData(form));
          params.delete('cidade'); params.delete('municipio'); params.delete('pagina');
          params.set('lat', pos.coords.latitude.toFixed(5));
          params.set('lon', pos.coords.longitude.toFixed(5));
          window.location.assign(form.getAttribute('action') + '?' + params.toString());
        }, function (err) {
          show(err && err.code === 1 ? 'js-geo-denied' : 'js-geo-error');
        }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
      });
    });
  }

  // Copies a text; the button then says so, as does the page's status line if it has one.
  function copy(text, button, done) {
    navigator.clipboard.writeText(text).then(function () {
      button.textContent = done;
      var status = document.querySelector('[data-module="copy-status"]');
      if (status) { status.textContent = done; }
    });
  }

  // Share: the Web Share API where present, otherwise copy the link.
  function initShare(root) {
    root.querySelectorAll('.js-share').forEach(function (button) {
      button.addEventListener('click', function () {
        var url = new URL(button.getAttribute('data-url'), window.location.href).toString();
        var title = button.getAttribute('data-title') || document.title;
        if (navigator.share) {
          navigator.share({ title: title, url: url }).catch(function () {});
        } else if (navigator.clipboard) {
          copy(url, button, 'Link copiado');
        }
      });
    });
  }

  // The error summary takes focus so screen-reader users hear it first; so does an answer that
  // replaces the form it answers (data-module="take-focus"), loaded whole or swapped in by htmx.
  function initErrorSummary(root) {
    var summary = root.querySelector('[data-module="error-summary"], [data-module="take-focus"]');
    if (summary) { summary.focus(); }
  }

  // A 4xx answer is swapped in like a success when the server says how (HX-Reswap): a form sent
  // through htmx then shows its own errors in place. Any other failed form (an expired CSRF
  // token, the database away) is sent again without htmx, to show its whole error page.
  function swapAnsweredErrors(event) {
    var xhr = event.detail.xhr, elt = event.detail.elt;
    if (xhr.status < 400) { return; }
    if (xhr.status < 500 && xhr.getResponseHeader('HX-Reswap')) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else if (elt && elt.tagName === 'FORM' && elt.method === 'post') {
      elt.submit();
    }
  }

  // "Copiar": a button that copies its data-copy text (the text is on the page too, to select by
  // hand); hidden where the browser cannot copy.
  function initCopy(root) {
    root.querySelectorAll('[data-module="copy"]').forEach(function (button) {
      if (!navigator.clipboard) { button.hidden = true; return; }
      button.addEventListener('click', function () {
        copy(button.getAttribute('data-copy'), button, button.getAttribute('data-done'));
      });
    });
  }

  // The installable app. The worker itself drops member pages when the session ends: every
  // answer of the app names the session it was made in. Its address and scope come from the
  // page; they must never change, as an installed worker is known by its address.
  function initServiceWorker() {
    var body = document.body;
    if (!('serviceWorker' in navigator) || !body.hasAttribute('data-service-worker')) { return; }
    navigator.serviceWorker.register(body.getAttribute('data-service-worker'),
      { scope: body.getAttribute('data-service-worker-scope') }).catch(function () {});
  }

  function init(root) { initGeolocate(root); initShare(root); initCopy(root); }

  document.addEventListener('DOMContentLoaded', function () { init(document); initErrorSummary(document); initServiceWorker(); });
  document.addEventListener('htmx:load', function (event) {
    if (event.target !== document.body) { init(event.target); initErrorSummary(event.target); }
  });
  document.addEventListener('htmx:beforeSwap', swapAnsweredErrors);
})();
