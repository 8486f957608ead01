// The live page: figures pushed by the server (server-sent events), no reload.
(function () {
  var box = document.getElementById("live");
  if (!box || !window.EventSource) return;
  var state = document.getElementById("live-state");
  var asOf = document.getElementById("as-of");
  var source = new EventSource(box.getAttribute("data-stream"));
  source.onopen = function () { state.textContent = "live"; };
  source.onerror = function () { state.textContent = "reconnecting…"; };
  source.onmessage = function (event) {
    var message = JSON.parse(event.data);
    box.innerHTML = message.html;
    asOf.textContent = message.as_of;
    state.textContent = "live";
  };
})();
