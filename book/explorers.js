// The static front end of the book's explorers (see explorers.py): no library, no network.
// Every frame was computed by scratchcnn while the book was built and is embedded as JSON next
// to the explorer; this script only swaps frames when a control changes and applies a step:
//   1. the cells named by the step get the class "on";
//   2. a cell that appears at step s (data-s) is "later" before step s and "now" at step s;
//   3. the step's caption is shown.
// The frame tables are embedded gzipped and base64-encoded; the browser unpacks them
// (DecompressionStream). Until then, or without JavaScript, the initial frame is shown.
window.scratchcnnExplorer = window.scratchcnnExplorer || function (uid) {
  "use strict";
  var packed = atob(document.getElementById(uid + "-data").textContent.trim());
  var bytes = new Uint8Array(packed.length);
  for (var i = 0; i < packed.length; i++) bytes[i] = packed.charCodeAt(i);
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  new Response(stream).text().then(function (text) {
    scratchcnnExplorer.start(document.getElementById(uid), JSON.parse(text));
  });
};

scratchcnnExplorer.start = scratchcnnExplorer.start || function (root, data) {
  "use strict";
  var view = root.querySelector(".sx-view");
  var caption = root.querySelector(".sx-caption");
  var stepBox = root.querySelector(".sx-steps");
  var stepInput = root.querySelector(".sx-step");
  var stepOut = root.querySelector(".sx-step-out");
  var play = root.querySelector(".sx-play");
  var controls = {};
  var steps = [];
  var timer = null;

  root.querySelectorAll("[data-control]").forEach(function (el) {
    controls[el.getAttribute("data-control")] = el;
  });

  function value(name) {  // the control's value, as written in the table keys
    var el = controls[name];
    if (!el) return String(data.controls[name].values[0]);  // a single choice has no control
    if (el.tagName === "SELECT") return el.value;
    return String(data.controls[name].values[Number(el.value)]);
  }

  function applyStep() {
    var k = Number(stepInput.value);
    var on = {};
    steps[k].on.forEach(function (id) { on[id] = true; });
    view.querySelectorAll("[data-c]").forEach(function (el) {
      el.classList.toggle("on", on[el.getAttribute("data-c")] === true);
    });
    view.querySelectorAll("[data-s]").forEach(function (el) {
      var s = Number(el.getAttribute("data-s"));
      el.classList.toggle("later", s > k);
      el.classList.toggle("now", s === k);
    });
    caption.innerHTML = steps[k].caption;
    stepOut.textContent = (k + 1) + " / " + steps.length;
  }

  function show() {
    var html = [];
    steps = [];
    data.parts.forEach(function (part) {
      var frame = data.tables[part.table][part.keys.map(value).join("|")];
      var text = frame.html;
      Object.keys(part.subst).forEach(function (placeholder) {
        text = text.split(placeholder).join(part.subst[placeholder]);
      });
      html.push(text);
      if (frame.steps.length) steps = frame.steps;
    });
    view.innerHTML = html.join("");
    stepBox.hidden = steps.length === 0;
    if (steps.length) {
      stepInput.max = steps.length - 1;
      stepInput.value = Math.min(Number(stepInput.value), steps.length - 1);
      applyStep();
    } else {
      stop();
      caption.innerHTML = "";
    }
  }

  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    play.innerHTML = "&#9654; " + data.text.play;
  }

  Object.keys(controls).forEach(function (name) {
    var el = controls[name];
    el.addEventListener("input", function () {
      if (el.tagName !== "SELECT") {
        el.nextElementSibling.textContent = data.controls[name].labels[Number(el.value)];
      }
      show();
    });
  });
  stepInput.addEventListener("input", applyStep);
  play.addEventListener("click", function () {
    if (timer !== null) { stop(); return; }
    play.innerHTML = "&#10074;&#10074; " + data.text.pause;
    timer = setInterval(function () {
      stepInput.value = (Number(stepInput.value) + 1) % steps.length;
      applyStep();
    }, 700);
  });
  show();
  root.setAttribute("data-ready", "1");  // for the browser test: the explorer is live
};
