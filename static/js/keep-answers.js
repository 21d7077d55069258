/* The language and large-text buttons reload the self-test page: the answers given so far come
   back with it instead of being lost halfway through (often by those who most need large text),
   the words written in a free-text box too.
   Kept only from such a button's press to the page's next load, at most a minute, in this tab
   alone (sessionStorage), so a shared phone never shows one person's answers to the next. */
(function () {
  "use strict";
  var form = document.querySelector("form.questions");
  if (!form || !window.sessionStorage || !window.JSON) return;
  var key = "answers:" + location.pathname;
  var FRESH_MS = 60 * 1000;
  function forget() {
    try {
      sessionStorage.removeItem(key);
    } catch (e) {}
  }
  var kept = null;
  try {
    kept = JSON.parse(sessionStorage.getItem(key) || "null");
  } catch (e) {}
  forget();
  // Older than a minute: the button's reload never came (offline, refused); not for the next.
  var boxes = form.querySelectorAll("textarea");
  function untouched() {
    if (form.querySelector("input[type=radio]:checked")) return false;
    for (var i = 0; i < boxes.length; i++) if (boxes[i].value) return false;
    return true;
  }
  if (kept && kept.answers && Date.now() - kept.at < FRESH_MS && untouched()) {
    var radios = form.querySelectorAll("input[type=radio]");
    for (var i = 0; i < radios.length; i++) {
      if (kept.answers[radios[i].name] === radios[i].value) radios[i].checked = true;
    }
    var words = kept.words || {};
    for (var b = 0; b < boxes.length; b++) {
      if (typeof words[boxes[b].name] === "string") boxes[b].value = words[boxes[b].name];
    }
  }
  function keep() {
    var answers = {};
    var words = {};
    var checked = form.querySelectorAll("input[type=radio]:checked");
    for (var i = 0; i < checked.length; i++) answers[checked[i].name] = checked[i].value;
    for (var b = 0; b < boxes.length; b++) if (boxes[b].value) words[boxes[b].name] = boxes[b].value;
    try {
      sessionStorage.setItem(key, JSON.stringify({at: Date.now(), answers: answers, words: words}));
    } catch (e) {}
  }
  var toggles = document.querySelectorAll("header form");
  for (var j = 0; j < toggles.length; j++) toggles[j].addEventListener("submit", keep);
  form.addEventListener("submit", forget);
  // Back to this page from the browser's memory (the button's request failed): nothing kept.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) forget();
  });
})();
