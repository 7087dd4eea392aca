// Pay forms (salary reports, job postings): the currency follows the country, and on the report
// form a line under the pay says what it comes to in a year, in the currency and in US dollars.
// The forms work without it.
(function () {
  var data = document.getElementById("currency-data");
  if (!data) return;
  var currencyOf = JSON.parse(data.dataset.currencyOfCountry);
  var usdRates = JSON.parse(data.dataset.usdRates);
  var form = data.closest("form");
  var field = function (name) { return form.elements[name]; };
  var perYear = { hour: 2080, month: 12, year: 1 };

  // Three significant figures, as every figure on the site (salaries/money.py): 5.63 lakh.
  function lakh(value) {
    var rounded = Number(value.toPrecision(3));
    var digits = { maximumSignificantDigits: 3 };
    if (rounded >= 1e7) return (rounded / 1e7).toLocaleString("en-IN", digits) + " crore";
    if (rounded >= 1e5) return (rounded / 1e5).toLocaleString("en-IN", digits) + " lakh";
    return Math.round(value).toLocaleString("en-IN");
  }

  function money(value, currency) {
    if (currency === "NPR") return "NPR " + lakh(value);
    if (currency === "INR") return "₹" + lakh(value);
    try {
      return new Intl.NumberFormat("en", { style: "currency", currency: currency, maximumFractionDigits: 0 }).format(value);
    } catch (error) {
      return currency + " " + Math.round(value).toLocaleString("en");
    }
  }

  // As the server reads it (salaries.fields.AmountField): "1,50,000", "1.2 lakh", "120k".
  var words = JSON.parse(data.dataset.amountWords);
  function readAmount(text) {
    var found = text.replace(/[,\s_]/g, "").match(/^(\d+(?:\.\d+)?)([a-z]+)?\.?$/i);
    if (!found) return NaN;
    var times = found[2] ? words[found[2].toLowerCase()] : 1;
    return times ? parseFloat(found[1]) * times : NaN;
  }

  function preview() {
    var out = document.getElementById("pay-preview");
    if (!out) return;
    var amount = readAmount(field("amount").value || "");
    var currency = field("currency").value || currencyOf[field("country").value];
    var times = perYear[field("period").value];
    if (!out || !(amount > 0) || !currency || !times) { if (out) out.textContent = ""; return; }
    var yearly = amount * times;
    var text = "About " + money(yearly, currency) + " a year";
    if (currency !== "USD" && usdRates[currency]) text += ", about " + money(yearly / usdRates[currency], "USD");
    out.textContent = text + ".";
  }

  field("country").addEventListener("change", function () {
    var currency = currencyOf[field("country").value];
    if (currency && field("currency").querySelector('option[value="' + currency + '"]')) {
      field("currency").value = currency;
    }
    preview();
  });
  ["amount", "currency", "period"].forEach(function (name) {
    if (!field(name)) return;
    field(name).addEventListener("input", preview);
    field(name).addEventListener("change", preview);
  });
  preview();
})();
