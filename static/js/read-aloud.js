/* Read-aloud for low literacy: progressive enhancement with the browser's speech synthesis.
   Without JavaScript or speech support the page is complete; no button is shown. */
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || !document.querySelector) return;
  var root = document.documentElement;
  var lang = root.lang || "zh-CN";
  function speak(text) {
    window.speechSynthesis.cancel();
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
        el.appendChild(document.createTextNode(" "));
        el.appendChild(b);
      })(items[i]);
    }
    var page = button(root.getAttribute("data-read-page-label") || "Read this page aloud", function () {
      speak(textOf(main));
    });
    var stop = button(root.getAttribute("data-stop-label") || "Stop", function () {
      window.speechSynthesis.cancel();
    });
    var bar = document.createElement("p");
    bar.className = "readbar";
    bar.appendChild(page);
    bar.appendChild(document.createTextNode(" "));
    bar.appendChild(stop);
    // A crisis block stays the first thing on the page; the bar goes right after it.
    var crisis = main.querySelector(".crisis");
    main.insertBefore(bar, crisis ? crisis.nextSibling : main.firstChild);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
