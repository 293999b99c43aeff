// Reads the chosen CSV file into the text area, so that the form sends it as text.
(function () {
  document.querySelectorAll("input[type=file][data-target]").forEach(function (input) {
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () { document.getElementById(input.dataset.target).value = reader.result; };
      reader.readAsText(file, "UTF-8");
    });
  });
})();
