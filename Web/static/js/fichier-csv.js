// Reads the chosen CSV file into the text area, so that the form sends it as text. A file saved by Excel
// on Windows is often in Windows-1252, not UTF-8: it is read as UTF-8 when it is valid UTF-8 (with or
// without a byte order mark), else as Windows-1252, so that accents arrive intact either way.
(function () {
  function decode(buffer) {
    var bytes = new Uint8Array(buffer);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
    } catch (e) {
      return new TextDecoder("windows-1252").decode(bytes);
    }
  }
  document.querySelectorAll("input[type=file][data-target]").forEach(function (input) {
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () { document.getElementById(input.dataset.target).value = decode(reader.result); };
      reader.readAsArrayBuffer(file);
    });
  });
})();
