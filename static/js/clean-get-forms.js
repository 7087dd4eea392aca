// Filter forms submit with GET, so every empty field would land in the shared URL. Before
// submitting, disable the empty ones so links stay short. Without JavaScript the form still
// works; the URL is just longer.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.method.toLowerCase() !== "get") return;
  Array.prototype.forEach.call(form.elements, function (field) {
    if (field.name && (field.tagName === "INPUT" || field.tagName === "SELECT") &&
        field.type !== "checkbox" && field.value === "") {
      field.disabled = true;
    }
  });
});
