/*
 * The 无障碍 toolbar: read-aloud (连读, 指读), 大鼠标, 十字线, 大字幕, 配色, 放大, 重置.
 * Our own code, no third party; loaded with defer. Without it the page still works
 * (the 无障碍 button stays hidden; 关怀模式 and 字号 are plain links).
 *
 * The choices are kept in the cookie "a11y" (tokens joined by "."). The server reads the
 * ones that change the look (配色, 放大, 大鼠标, 大字幕) and puts their classes on <html>, so
 * the next page is painted right from the start; this file applies them at once on the
 * current page, and handles what needs a script (speech, guide lines, caption bar).
 */
(function () {
  "use strict";

  var COOKIE = "a11y";
  var ROOT = document.documentElement;
  var SCHEMES = { "s-wb": "scheme-wb", "s-yb": "scheme-yb", "s-bl": "scheme-bl" };
  var SCHEME_ORDER = ["", "s-wb", "s-yb", "s-bl"];
  var ZOOMS = ["", "z125", "z150", "z175", "z200"];
  var RATES = { slow: 0.7, "": 1, fast: 1.4 };
  var NO_VOICE = "这个浏览器没有中文语音，无法朗读。请换用其他浏览器，或在系统设置中安装中文语音。";
  var NO_SPEECH = "这个浏览器不支持语音朗读。";
  // What 指读 and 大字幕 pick up under the pointer or focus, nearest first.
  var POINTABLE = "a, button, summary, label, h1, h2, h3, h4, h5, h6, p, li, dt, dd, th, td, figcaption, caption, input, select, textarea, time";
  var READABLE = "h1, h2, h3, h4, h5, h6, p, li, dt, dd, th, td, figcaption, blockquote";

  var state = { scheme: "", zoom: "", read: false, point: false, rate: "", cursor: false, guide: false, caption: false };

  // --- State: the cookie and the classes on <html> -------------------------------------

  function load() {
    var match = document.cookie.match(/(?:^|;\s*)a11y=([^;]*)/);
    var tokens = match ? match[1].split(".") : [];
    tokens.forEach(function (token) {
      if (SCHEMES[token]) state.scheme = token;
      else if (ZOOMS.indexOf(token) > 0) state.zoom = token;
      else if (token === "slow" || token === "fast") state.rate = token;
      else if (token === "read" || token === "point" || token === "cursor" || token === "guide" || token === "caption") state[token] = true;
    });
    if (state.read && state.point) state.read = false;
  }

  function save() {
    var tokens = [state.scheme, state.zoom, state.rate].filter(Boolean);
    ["read", "point", "cursor", "guide", "caption"].forEach(function (name) {
      if (state[name]) tokens.push(name);
    });
    var secure = location.protocol === "https:" ? "; secure" : "";
    document.cookie = tokens.length
      ? COOKIE + "=" + tokens.join(".") + "; path=/; max-age=31536000; samesite=lax" + secure
      : COOKIE + "=; path=/; max-age=0; samesite=lax" + secure;
  }

  function setClass(name, on) {
    ROOT.classList.toggle(name, Boolean(on));
  }

  function applyLook() {
    Object.keys(SCHEMES).forEach(function (token) { setClass(SCHEMES[token], state.scheme === token); });
    ZOOMS.slice(1).forEach(function (token) { setClass("zoom-" + token.slice(1), state.zoom === token); });
    setClass("big-cursor", state.cursor);
    setClass("caption-bar", state.caption);
    guides.show(state.guide);
    caption.show(state.caption);
    if (!state.read) reader.stop();
    updatePanel();
  }

  function change(update) {
    update();
    save();
    applyLook();
  }

  // --- Speech (Web Speech API) --------------------------------------------------------

  var speech = {
    engine: window.speechSynthesis || null,
    voice: null,
    checked: false,
    findVoice: function () {
      if (!this.engine) return null;
      var voices = this.engine.getVoices() || [];
      var chinese = voices.filter(function (v) { return /^zh([-_]|$)/i.test(v.lang || ""); });
      var mainland = chinese.filter(function (v) { return /^zh[-_]CN/i.test(v.lang) || /^zh[-_]Hans/i.test(v.lang); });
      this.voice = mainland[0] || chinese[0] || null;
      this.checked = voices.length > 0;
      return this.voice;
    },
    // Calls back with true when a Chinese voice is there; voices may arrive a moment late.
    ready: function (callback) {
      var self = this;
      if (!this.engine || typeof window.SpeechSynthesisUtterance !== "function") {
        status(NO_SPEECH);
        return callback(false);
      }
      if (this.findVoice()) return callback(true);
      if (this.checked) {
        status(NO_VOICE);
        return callback(false);
      }
      var done = false;
      function finish() {
        if (done) return;
        done = true;
        var found = self.findVoice();
        if (!found) status(NO_VOICE);
        callback(Boolean(found));
      }
      if (this.engine.addEventListener) this.engine.addEventListener("voiceschanged", finish, { once: true });
      window.setTimeout(finish, 1500);
    },
    say: function (text, onEnd) {
      var utterance = new window.SpeechSynthesisUtterance(text);
      utterance.lang = "zh-CN";
      if (this.voice) utterance.voice = this.voice;
      utterance.rate = RATES[state.rate];
      if (onEnd) {
        utterance.onend = onEnd;
        utterance.onerror = onEnd;
      }
      this.engine.speak(utterance);
    },
    cancel: function () {
      if (this.engine) this.engine.cancel();
    }
  };

  function textOf(element) {
    if (!element) return "";
    if (/^(INPUT|SELECT|TEXTAREA)$/.test(element.tagName)) {
      var label = element.labels && element.labels[0] ? element.labels[0].textContent : element.getAttribute("aria-label") || "";
      var value = element.tagName === "SELECT" ? (element.options[element.selectedIndex] || {}).text || "" : element.value || element.placeholder || "";
      return (label + " " + value).replace(/\s+/g, " ").trim();
    }
    return (element.innerText || element.textContent || "").replace(/\s+/g, " ").trim();
  }

  function sentencesOf(text) {
    return (text.match(/[^。！？!?；;]+[。！？!?；;]*[”’」』）)]*/g) || []).map(function (s) { return s.trim(); }).filter(Boolean);
  }

  // 连读: the page's main text from its title down, a sentence at a time, each one marked.
  var reader = {
    queue: [],
    index: 0,
    playing: false,
    paused: false,
    block: null,
    marks: [],
    blocks: function () {
      var root = document.querySelector(".article") || document.querySelector("main") || document.body;
      var all = Array.prototype.slice.call(root.querySelectorAll(READABLE));
      return all.filter(function (el) {
        if (el.closest(".a11y-panel, .article-tools, .visually-hidden, [hidden], [aria-hidden='true']")) return false;
        if (el.querySelector(READABLE)) return false; // read its inner blocks instead
        return el.getClientRects().length > 0 && textOf(el);
      });
    },
    play: function () {
      var self = this;
      if (this.playing && this.paused) {
        this.paused = false;
        speech.engine.resume();
        updatePanel();
        return;
      }
      if (this.playing) return;
      speech.ready(function (ok) {
        if (!ok) return;
        self.queue = [];
        self.blocks().forEach(function (block) {
          sentencesOf(textOf(block)).forEach(function (sentence) { self.queue.push({ block: block, text: sentence }); });
        });
        self.index = 0;
        self.playing = true;
        self.paused = false;
        speech.cancel();
        self.next();
        updatePanel();
      });
    },
    next: function () {
      var self = this;
      this.unmark();
      if (!this.playing) return;
      if (this.index >= this.queue.length) {
        this.stop();
        return;
      }
      var item = this.queue[this.index++];
      this.mark(item.block, item.text);
      speech.say(item.text, function () {
        if (self.playing && self.queue[self.index - 1] === item) self.next();
      });
    },
    pause: function () {
      if (!this.playing || this.paused) return;
      this.paused = true;
      speech.engine.pause();
      updatePanel();
    },
    toggle: function () {
      if (this.playing && !this.paused) this.pause();
      else this.play();
    },
    stop: function () {
      var wasPlaying = this.playing;
      this.playing = false;
      this.paused = false;
      this.unmark();
      if (wasPlaying) speech.cancel();
      updatePanel();
    },
    // Wraps the sentence's text, node by node, in <mark class="a11y-sentence">. The
    // sentence comes from innerText, whose white space differs from the nodes': the two
    // are matched with white space left out.
    mark: function (block, sentence) {
      this.block = block;
      block.classList.add("a11y-reading");
      if (block.scrollIntoView) block.scrollIntoView({ block: "nearest" });
      var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      var compact = "";
      var where = []; // for each character of `compact`: [node, offset]
      while (walker.nextNode()) {
        var node = walker.currentNode;
        for (var i = 0; i < node.nodeValue.length; i++) {
          if (/\s/.test(node.nodeValue[i])) continue;
          compact += node.nodeValue[i];
          where.push([node, i]);
        }
      }
      var wanted = sentence.replace(/\s+/g, "");
      var start = compact.indexOf(wanted);
      if (start < 0 || !wanted) return;
      var first = where[start];
      var last = where[start + wanted.length - 1];
      var pieces = [];
      walker.currentNode = block;
      var inside = false;
      while (walker.nextNode()) {
        var current = walker.currentNode;
        if (current === first[0]) inside = true;
        if (inside) {
          var from = current === first[0] ? first[1] : 0;
          var to = current === last[0] ? last[1] + 1 : current.nodeValue.length;
          if (current.nodeValue.slice(from, to).trim()) pieces.push([current, from, to]);
        }
        if (current === last[0]) break;
      }
      var marks = this.marks;
      pieces.forEach(function (piece) {
        var range = document.createRange();
        range.setStart(piece[0], piece[1]);
        range.setEnd(piece[0], piece[2]);
        var mark = document.createElement("mark");
        mark.className = "a11y-sentence";
        range.surroundContents(mark);
        marks.push(mark);
      });
    },
    unmark: function () {
      this.marks.forEach(function (mark) {
        var parent = mark.parentNode;
        if (!parent) return;
        while (mark.firstChild) parent.insertBefore(mark.firstChild, mark);
        parent.removeChild(mark);
        parent.normalize();
      });
      this.marks = [];
      if (this.block) this.block.classList.remove("a11y-reading");
      this.block = null;
    }
  };

  // 指读 and 大字幕 follow the pointer and the keyboard focus.
  var lastPointed = null;

  function pointed(target) {
    if (!target || !target.closest) return null;
    var element = target.closest(POINTABLE);
    if (!element || element.closest(".a11y-caption, .a11y-guide")) return null;
    return element;
  }

  function onPoint(event) {
    var element = pointed(event.target);
    if (!element || element === lastPointed) return;
    lastPointed = element;
    var text = textOf(element);
    if (!text) return;
    if (state.caption) caption.say(text);
    if (state.point && !reader.playing) {
      speech.ready(function (ok) {
        if (!ok || lastPointed !== element) return;
        speech.cancel();
        speech.say(text);
      });
    }
  }

  // --- 十字线 and 大字幕 ---------------------------------------------------------------

  var guides = {
    lines: null,
    show: function (on) {
      if (on && !this.lines) {
        this.lines = ["a11y-guide a11y-guide-x", "a11y-guide a11y-guide-y"].map(function (name) {
          var line = document.createElement("div");
          line.className = name;
          line.setAttribute("aria-hidden", "true");
          document.body.appendChild(line);
          return line;
        });
        this.move(window.innerWidth / 2, window.innerHeight / 2);
      } else if (!on && this.lines) {
        this.lines.forEach(function (line) { line.remove(); });
        this.lines = null;
      }
    },
    move: function (x, y) {
      if (!this.lines) return;
      this.lines[0].style.transform = "translateY(" + Math.round(y - 1) + "px)";
      this.lines[1].style.transform = "translateX(" + Math.round(x - 1) + "px)";
    }
  };

  var caption = {
    bar: null,
    show: function (on) {
      if (on && !this.bar) {
        this.bar = document.createElement("div");
        this.bar.className = "a11y-caption";
        this.bar.setAttribute("aria-hidden", "true"); // the same text is on the page for screen readers
        this.bar.textContent = "大字幕：把鼠标移到文字上，或用 Tab 键移动焦点";
        document.body.appendChild(this.bar);
      } else if (!on && this.bar) {
        this.bar.remove();
        this.bar = null;
      }
    },
    say: function (text) {
      if (this.bar) this.bar.textContent = text;
    }
  };

  // --- The panel --------------------------------------------------------------------------

  var panel = document.getElementById("a11y-panel");
  var opener = document.querySelector(".a11y-open");
  var statusLine = panel ? panel.querySelector("[data-a11y-status]") : null;

  function status(text) {
    if (statusLine) statusLine.textContent = text || "";
  }

  function updatePanel() {
    if (!panel) return;
    Array.prototype.forEach.call(panel.querySelectorAll("[data-a11y-toggle]"), function (button) {
      button.setAttribute("aria-pressed", String(Boolean(state[button.getAttribute("data-a11y-toggle")])));
    });
    Array.prototype.forEach.call(panel.querySelectorAll("[data-a11y-scheme]"), function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-a11y-scheme") === state.scheme));
    });
    Array.prototype.forEach.call(panel.querySelectorAll("[data-a11y-rate]"), function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-a11y-rate") === state.rate));
    });
    var level = panel.querySelector("[data-a11y-zoom-level]");
    level.textContent = (state.zoom ? state.zoom.slice(1) : "100") + "%";
    panel.querySelector("[data-a11y-action='zoom-in']").disabled = state.zoom === ZOOMS[ZOOMS.length - 1];
    panel.querySelector("[data-a11y-action='zoom-out']").disabled = state.zoom === "";
    panel.querySelector("[data-a11y-action='pause']").disabled = !reader.playing || reader.paused;
    panel.querySelector("[data-a11y-action='stop']").disabled = !reader.playing;
    panel.querySelector("[data-a11y-action='play']").textContent = reader.paused ? "继续" : "播放";
  }

  function isOpen() {
    return Boolean(panel && panel.open);
  }

  function open() {
    if (!panel || isOpen()) return;
    updatePanel();
    panel.showModal();
    opener.setAttribute("aria-expanded", "true");
    var first = focusables()[0];
    if (first) first.focus();
  }

  function close() {
    if (!isOpen()) return;
    panel.close();
  }

  function focusables() {
    return Array.prototype.filter.call(
      panel.querySelectorAll("button, summary, a[href], [tabindex]:not([tabindex='-1'])"),
      function (el) { return !el.disabled && el.getClientRects().length > 0; }
    );
  }

  function zoom(step) {
    change(function () {
      var index = Math.min(ZOOMS.length - 1, Math.max(0, ZOOMS.indexOf(state.zoom) + step));
      state.zoom = ZOOMS[index];
    });
  }

  function toggle(name) {
    change(function () {
      state[name] = !state[name];
      if (name === "read" && state.read) state.point = false;
      if (name === "point" && state.point) state.read = false;
    });
    if ((name === "read" || name === "point") && state[name]) {
      speech.ready(function () {});
    }
  }

  function nextScheme() {
    change(function () {
      state.scheme = SCHEME_ORDER[(SCHEME_ORDER.indexOf(state.scheme) + 1) % SCHEME_ORDER.length];
    });
  }

  function reset() {
    reader.stop();
    speech.cancel();
    status("");
    change(function () {
      state = { scheme: "", zoom: "", read: false, point: false, rate: "", cursor: false, guide: false, caption: false };
    });
  }

  function play() {
    if (!state.read) change(function () { state.read = true; state.point = false; });
    reader.toggle();
  }

  var ACTIONS = {
    close: close,
    play: function () { if (!state.read) change(function () { state.read = true; state.point = false; }); reader.play(); },
    pause: function () { reader.pause(); },
    stop: function () { reader.stop(); },
    "zoom-in": function () { zoom(1); },
    "zoom-out": function () { zoom(-1); },
    reset: reset
  };

  // Alt+Shift+key, by the key's position (event.code), so any keyboard layout works.
  var SHORTCUTS = {
    KeyA: function () { if (isOpen()) close(); else open(); },
    KeyR: play,
    KeyS: function () { reader.stop(); },
    KeyP: function () { toggle("point"); },
    KeyM: function () { toggle("cursor"); },
    KeyL: function () { toggle("guide"); },
    KeyC: function () { toggle("caption"); },
    KeyY: nextScheme,
    Equal: function () { zoom(1); },
    NumpadAdd: function () { zoom(1); },
    Minus: function () { zoom(-1); },
    NumpadSubtract: function () { zoom(-1); },
    Digit0: reset
  };

  function setUpPanel() {
    panel.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !panel.contains(button)) return;
      if (button.hasAttribute("data-a11y-toggle")) toggle(button.getAttribute("data-a11y-toggle"));
      else if (button.hasAttribute("data-a11y-scheme")) change(function () { state.scheme = button.getAttribute("data-a11y-scheme"); });
      else if (button.hasAttribute("data-a11y-rate")) change(function () { state.rate = button.getAttribute("data-a11y-rate"); });
      else if (ACTIONS[button.getAttribute("data-a11y-action")]) ACTIONS[button.getAttribute("data-a11y-action")]();
    });
    // Focus stays inside while the panel is open (the page behind is inert as well).
    panel.addEventListener("keydown", function (event) {
      if (event.key !== "Tab") return;
      var items = focusables();
      if (!items.length) return;
      var first = items[0];
      var last = items[items.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    });
    panel.addEventListener("close", function () {
      opener.setAttribute("aria-expanded", "false");
      opener.focus();
    });
    opener.addEventListener("click", open);
    opener.hidden = false;
  }

  // --- Start -------------------------------------------------------------------------------

  function start() {
    load();
    if (panel && opener) setUpPanel();
    applyLook();
    document.addEventListener("keydown", function (event) {
      if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
      var action = SHORTCUTS[event.code];
      if (!action) return;
      event.preventDefault();
      action();
    });
    document.addEventListener("mouseover", onPoint);
    document.addEventListener("focusin", function (event) {
      onPoint(event);
      if (state.guide && event.target.getBoundingClientRect) {
        var box = event.target.getBoundingClientRect();
        guides.move(box.left + box.width / 2, box.top + box.height / 2);
      }
    });
    document.addEventListener("mousemove", function (event) { guides.move(event.clientX, event.clientY); }, { passive: true });
    window.addEventListener("pagehide", function () { speech.cancel(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
