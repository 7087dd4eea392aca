// A private link carries its key after '#', which browsers never send to any server. This
// takes the key out of the address bar (so it is not kept in the history or copied along
// with the address) and posts it, once, in the page's form: the server exchanges it for a
// short-lived cookie and shows the private page. On a private page already open for that
// key, nothing is posted. Without JavaScript the visitor pastes the link into the form.
(function () {
  "use strict";
  var key = location.hash.slice(1);
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(key)) return;
  history.replaceState(null, "", location.pathname + location.search);
  var form = document.querySelector("form[data-private-link]");
  if (!form) return;

  function send() {
    form.elements.private_link.value = key;
    form.submit();
  }

  var current = form.getAttribute("data-key-digest");
  if (!current || !(window.crypto && crypto.subtle && window.TextEncoder)) {
    send();
    return;
  }
  crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)).then(function (hash) {
    var hex = Array.prototype.map.call(new Uint8Array(hash), function (byte) {
      return ("0" + byte.toString(16)).slice(-2);
    }).join("");
    if (hex !== current) send();
  }, send);
})();
