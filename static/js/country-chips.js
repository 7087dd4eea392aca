// Countries typed by name (salaries/widgets.py CountryNamesInput): each country picked becomes
// a chip with a remove button, and the text box is free for the next one. The names are kept,
// comma-separated, in the original input (now hidden), which is what the form sends; without
// this script the visitor types the names separated by commas.
(function () {
  document.querySelectorAll("input[data-country-chips]").forEach(function (original) {
    var options = Array.prototype.map.call(original.list.options, function (o) { return o.value; });
    var byLowerName = {};
    options.forEach(function (name) { byLowerName[name.toLowerCase()] = name; });
    var chosen = original.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);

    var chips = document.createElement("ul");
    chips.className = "chips";
    chips.setAttribute("aria-live", "polite");
    var typing = document.createElement("input");
    typing.type = "text";
    typing.id = original.id;
    typing.setAttribute("list", original.list.id);
    typing.setAttribute("autocomplete", "off");
    if (original.getAttribute("aria-describedby")) typing.setAttribute("aria-describedby", original.getAttribute("aria-describedby"));
    original.removeAttribute("id");
    original.type = "hidden";
    original.after(chips, typing);

    function save() { original.value = chosen.join(", "); }
    function draw() {
      chips.textContent = "";
      chosen.forEach(function (name, index) {
        var chip = document.createElement("li");
        chip.textContent = name + " ";
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "Remove " + name);
        remove.addEventListener("click", function () {
          chosen.splice(index, 1); save(); draw(); typing.focus();
        });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    }
    function take() {
      var name = byLowerName[typing.value.trim().toLowerCase()];
      if (!name) return false;
      if (chosen.indexOf(name) < 0) chosen.push(name);
      typing.value = ""; save(); draw();
      return true;
    }
    typing.addEventListener("change", take);
    typing.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && take()) event.preventDefault();
    });
    // A name typed but not picked is still sent.
    original.form.addEventListener("submit", function () {
      if (typing.value.trim() && !take()) original.value = chosen.concat([typing.value.trim()]).join(", ");
    });
    draw();
  });
})();
