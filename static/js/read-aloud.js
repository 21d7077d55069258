/* Read-aloud for low literacy: progressive enhancement with the browser's speech synthesis.
   Without JavaScript or speech support the page is complete; no button is shown. */
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || !document.querySelector) return;
  var root = document.documentElement;
  var lang = root.lang || "zh-CN";
  // A read button pressed while something is being read stops it: no separate stop button.
  function speak(text) {
    if (window.speechSynthesis.speaking) {
      window.speechSynthesis.cancel();
      return;
    }
    var u = new SpeechSynthesisUtterance(text.replace(/\s+/g, " ").trim());
    u.lang = lang;
    u.rate = 0.9;
    window.speechSynthesis.speak(u);
  }
  // The text a person sees, without the read-aloud buttons added to it.
  function textOf(el) {
    var copy = el.cloneNode(true);
    var added = copy.querySelectorAll(".read, .readbar");
    for (var k = 0; k < added.length; k++) added[k].parentNode.removeChild(added[k]);
    return copy.textContent;
  }
  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "read";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }
  function init() {
    var main = document.getElementById("main");
    if (!main) return;
    var items = main.querySelectorAll("[data-read]");
    for (var i = 0; i < items.length; i++) {
      (function (el) {
        var b = button(root.getAttribute("data-read-label") || "Read aloud", function () {
          var text = textOf(el);
          var fieldset = el.parentNode;
          if (el.tagName === "LEGEND" && fieldset) {
            var labels = fieldset.querySelectorAll("label");
            for (var j = 0; j < labels.length; j++) text += "。" + textOf(labels[j]);
          }
          speak(text);
        });
        if (el.tagName === "LEGEND" && el.parentNode) {
          // Under the question, inside its box: a button in the legend breaks the box's border.
          el.parentNode.insertBefore(b, el.nextSibling);
        } else {
          el.appendChild(document.createTextNode(" "));
          el.appendChild(b);
        }
      })(items[i]);
    }
    var page = button(root.getAttribute("data-read-page-label") || "Read this page aloud", function () {
      speak(textOf(main));
    });
    var bar = document.createElement("p");
    bar.className = "readbar";
    bar.appendChild(page);
    // A crisis block stays the first thing on the page; the bar goes right after it.
    var crisis = main.querySelector(".crisis");
    main.insertBefore(bar, crisis ? crisis.nextSibling : main.firstChild);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
