/* The board's behaviour: details on hover, click or keyboard; unit and status filters;
   rows that expand into their units or staff members. No inline handlers (the page's
   CSP forbids them): everything is attached here. Details are copied from hidden
   sections of the page with cloneNode, never built from strings. */
(function () {
  "use strict";
  var pop = document.getElementById("pop");
  var popBody = document.getElementById("pop-body");
  var popClose = document.getElementById("pop-close");
  var unitSelect = document.getElementById("f-unit");
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name="status"]'));
  var current = null, pinned = false, timer = 0;

  function place(btn) {
    var r = btn.getBoundingClientRect();
    var width = pop.offsetWidth, view = document.documentElement.clientWidth;
    var left = Math.max(8, Math.min(r.left, view - width - 8));
    pop.style.left = (window.scrollX + left) + "px";
    pop.style.top = (window.scrollY + r.bottom + 4) + "px";
  }

  function show(btn, pin) {
    clearTimeout(timer);
    if (current && current !== btn) { current.setAttribute("aria-expanded", "false"); }
    current = btn;
    pinned = pin;
    var source = document.getElementById(btn.getAttribute("data-detail"));
    var copy = source.cloneNode(true);
    copy.removeAttribute("id");
    var heading = copy.querySelector("h2");
    if (heading) { heading.id = "pop-h"; }
    popBody.replaceChildren(copy);
    pop.hidden = false;
    btn.setAttribute("aria-expanded", "true");
    place(btn);
    if (pin) { popClose.focus(); }
  }

  function hide(restoreFocus) {
    clearTimeout(timer);
    pop.hidden = true;
    pinned = false;
    if (current) {
      current.setAttribute("aria-expanded", "false");
      if (restoreFocus) { current.focus(); }
    }
    current = null;
  }

  document.addEventListener("click", function (event) {
    var btn = event.target.closest("button.c");
    if (btn) {
      if (pinned && current === btn) { hide(true); } else { show(btn, true); }
      return;
    }
    var toggle = event.target.closest("button.x");
    if (toggle) {
      toggle.setAttribute("aria-expanded", toggle.getAttribute("aria-expanded") === "true" ? "false" : "true");
      apply();
      return;
    }
    if (event.target === popClose) { hide(true); return; }
    if (pinned && !pop.contains(event.target)) { hide(false); }
  });
  document.addEventListener("mouseover", function (event) {
    var btn = event.target.closest("button.c");
    if (btn && !pinned) { show(btn, false); }
    if (pop.contains(event.target)) { clearTimeout(timer); }
  });
  document.addEventListener("mouseout", function (event) {
    if (pinned || pop.hidden) { return; }
    if (event.target.closest("button.c") || pop.contains(event.target)) {
      timer = setTimeout(function () { if (!pinned) { hide(false); } }, 250);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !pop.hidden) { hide(true); }
  });

  function wanted() {
    var want = {}, all = true;
    boxes.forEach(function (b) { want[b.value] = b.checked; if (!b.checked) { all = false; } });
    return { want: want, all: all };
  }

  function expanded(row) {
    var parent = row.getAttribute("data-parent");
    if (!parent) { return true; }
    var toggle = document.getElementById(parent).querySelector("button.x");
    return toggle.getAttribute("aria-expanded") === "true";
  }

  function apply() {
    var unit = unitSelect.value, w = wanted(), totals = {}, shown = 0;
    boxes.forEach(function (b) { totals[b.value] = 0; });
    document.querySelectorAll("tbody[data-unit]").forEach(function (group) {
      var on = !unit || group.getAttribute("data-unit") === unit;
      group.hidden = !on;
      if (!on) { return; }
      boxes.forEach(function (b) { totals[b.value] += Number(group.getAttribute("data-n-" + b.value)); });
      group.querySelectorAll("tr[data-rule], tr[data-item]").forEach(function (row) {
        var match = w.all || Array.prototype.some.call(row.querySelectorAll("td[data-status]"),
          function (td) { return w.want[td.getAttribute("data-status")] === true; });
        var visible = match && expanded(row);
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
    });
    document.querySelectorAll("#summary .sum-item").forEach(function (item) {
      item.querySelector(".n").textContent = String(totals[item.getAttribute("data-status")]);
    });
    document.getElementById("empty").hidden = shown > 0;
    if (!pop.hidden && current && current.closest("tr").hidden) { hide(false); }
  }

  unitSelect.addEventListener("change", apply);
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  window.addEventListener("resize", function () { if (current && !pop.hidden) { place(current); } });
}());
