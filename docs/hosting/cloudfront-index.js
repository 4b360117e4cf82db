function handler(event) {
  // planning enforcement site: /a/b/ -> /a/b/index.html, /a/b -> /a/b/index.html
  var request = event.request;
  var uri = request.uri;
  if (uri.charAt(uri.length - 1) === "/") {
    request.uri = uri + "index.html";
  } else if (uri.split("/").pop().indexOf(".") === -1) {
    request.uri = uri + "/index.html";
  }
  return request;
}
