// Offer forms: the period follows the country chosen, per month where pay is quoted monthly
// (the form's data-monthly-countries, from salaries/fields.py MONTHLY_QUOTING), per year
// elsewhere, until the visitor picks a period themselves. The server applies the same default
// to an offer sent without a period, so the forms work without it.
(function () {
  Array.prototype.forEach.call(document.querySelectorAll("form[data-monthly-countries]"), function (form) {
    var monthly = form.dataset.monthlyCountries.split(" ");
    var country = form.elements.country;
    var period = form.elements.period;
    if (!country || !period) return;
    var chosen = false;
    period.addEventListener("change", function () { chosen = true; });
    country.addEventListener("change", function () {
      if (chosen || !country.value) return;
      period.value = monthly.indexOf(country.value) >= 0 ? "month" : "year";
    });
  });
})();
