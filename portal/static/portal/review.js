// The approval page: the approve button says whether the approver's edits will be sent.
// A file, not an inline script: the Content-Security-Policy runs scripts from the site's own
// origin only, so nothing injected into a page can run.
(function () {
  var body = document.getElementById("body"), button = document.getElementById("approve");
  body.addEventListener("input", function () {
    button.textContent = body.value === body.dataset.original ? "Approve and send" : "Save my edits and send";
  });
})();
