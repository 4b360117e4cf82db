"""Ready-made configuration for the places councils publish the site: the response
headers (security and caching) and file types, for nginx, Apache, IIS (web.config),
Azure Static Web Apps (staticwebapp.config.json), Netlify or Cloudflare Pages
(_headers) and Amazon CloudFront (a response headers policy), with the S3 upload
commands that set each file's caching.

Every file states the same headers, made here once from the site's configuration:

- the Content-Security-Policy of `render/csp.py` (`header_policy`), which allows only
  the site itself and the configured map tile host;
- HSTS, X-Content-Type-Options, Referrer-Policy and X-Frame-Options;
- caching: a year for files whose names carry a hash of their content (Material's
  bundles, Pagefind's index), so they never need fetching again; five minutes, then
  a check with the server, for everything else: pages, data, feeds and the other
  assets change with each nightly build under the same name.

docs/publishing.md explains where each file goes; `enforcement-site hosting` writes
them and `enforcement-site package` puts them in its zip.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from generator.config.schema import Config
from generator.core.untrusted import tile_source
from generator.render.csp import header_policy

LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300, must-revalidate"
HSTS = "max-age=31536000"  # not includeSubDomains: the council's other hosts are not ours
# strict-origin-when-cross-origin: the tile server gets the site's origin (OpenStreetMap's
# tile policy asks for a referrer), never a page's address or query.
REFERRER_POLICY = "strict-origin-when-cross-origin"

# Files whose names carry a hash of their content, by the start of their path from the
# site root (every host can match a prefix; a test checks each such file is hashed):
# Material's bundles and Pagefind's index.
LONG_CACHE_PREFIXES = ("assets/javascripts/bundle.", "assets/javascripts/workers/search.",
                       "assets/stylesheets/main.", "assets/stylesheets/palette.",
                       "pagefind/fragment/", "pagefind/index/")
# Types a server may not know (IIS refuses to serve a file of an unknown type).
MIME_TYPES = {
    ".geojson": "application/geo+json",
    ".json": "application/json",
    ".xml": "application/xml",
    ".webmanifest": "application/manifest+json",
    ".pagefind": "application/octet-stream",
    ".pf_fragment": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_meta": "application/octet-stream",
    ".wasm": "application/wasm",
}


@dataclass(frozen=True)
class HostingFile:
    name: str  # its file name where it is used
    purpose: str
    text: str


def security_headers(config: Config) -> list[tuple[str, str]]:
    """The headers every response carries, in order."""
    return [
        ("Content-Security-Policy", header_policy(tile_source(config.tiles.url))),
        ("Strict-Transport-Security", HSTS),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", REFERRER_POLICY),
        ("X-Frame-Options", "DENY"),
    ]


def is_long_cached(path: str) -> bool:
    """Whether the file at `path` (from the site root) gets LONG_CACHE."""
    return path.lstrip("/").startswith(LONG_CACHE_PREFIXES)


def _long_regex() -> str:
    return "^/(?:" + "|".join(re.escape(p) for p in LONG_CACHE_PREFIXES) + ")"


def nginx(config: Config) -> str:
    headers = "".join(f'        add_header {name} "{value}" always;\n'
                      for name, value in security_headers(config))
    types = "".join(f"        {mime} {ext.lstrip('.')};\n"
                    for ext, mime in MIME_TYPES.items())
    return f"""# nginx: the server block of the planning enforcement site - enforcement-site hosting
# `root` is the `site` link the build switches (nginx follows symbolic links by default).
server {{
    listen 443 ssl;
    http2 on;
    server_name {_host(config) or "enforcement.example.gov.uk"};
    # ssl_certificate and ssl_certificate_key: as for the council's other sites
    root /srv/enforcement/site;
    index index.html;
    error_page 404 /404.html;
    charset utf-8;
    include mime.types;
    types {{
{types}    }}
    # add_header in a location replaces the server's, so each location repeats them.
    location ~ {_long_regex()} {{
{headers}        add_header Cache-Control "{LONG_CACHE}" always;
        try_files $uri =404;
    }}
    location / {{
{headers}        add_header Cache-Control "{SHORT_CACHE}" always;
        try_files $uri $uri/ =404;
    }}
}}
"""


def apache(config: Config) -> str:
    headers = "".join(f'Header always set {name} "{value}"\n'
                      for name, value in security_headers(config))
    types = "".join(f"AddType {mime} {ext}\n" for ext, mime in MIME_TYPES.items())
    return f"""# Apache: .htaccess in the site folder, or inside its <Directory> (mod_headers).
Options -Indexes +FollowSymLinks
ErrorDocument 404 /404.html
AddDefaultCharset utf-8
{types}{headers}Header always set Cache-Control "{SHORT_CACHE}"
<If "%{{REQUEST_URI}} =~ m#{_long_regex()}#">
    Header always set Cache-Control "{LONG_CACHE}"
</If>
"""


def iis_web_config(config: Config) -> str:
    headers = "".join(f'        <add name="{name}" value="{_xml(value)}" />\n'
                      for name, value in security_headers(config))
    types = "".join(f'      <remove fileExtension="{ext}" />\n'
                    f'      <mimeMap fileExtension="{ext}" mimeType="{mime}" />\n'
                    for ext, mime in MIME_TYPES.items())
    long_folders = "".join(
        f'  <location path="{folder}">\n    <system.webServer>\n      <staticContent>\n'
        '        <clientCache cacheControlMode="UseMaxAge" cacheControlMaxAge="365.00:00:00"'
        ' cacheControlCustom="public, immutable" />\n      </staticContent>\n'
        "    </system.webServer>\n  </location>\n"
        for folder in (p.rstrip("/") for p in LONG_CACHE_PREFIXES if p.endswith("/")))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!-- IIS: web.config in the site's root folder (enforcement-site hosting). -->
<configuration>
  <system.webServer>
    <httpProtocol>
      <customHeaders>
{headers}      </customHeaders>
    </httpProtocol>
    <staticContent>
      <clientCache cacheControlMode="UseMaxAge" cacheControlMaxAge="00:05:00"
                   cacheControlCustom="public, must-revalidate" />
{types}    </staticContent>
    <httpErrors errorMode="Custom" existingResponse="Replace">
      <remove statusCode="404" />
      <error statusCode="404" path="/404.html" responseMode="ExecuteURL" />
    </httpErrors>
    <defaultDocument enabled="true">
      <files>
        <clear />
        <add value="index.html" />
      </files>
    </defaultDocument>
    <directoryBrowse enabled="false" />
  </system.webServer>
{long_folders}</configuration>
"""


def static_web_app(config: Config) -> str:
    """Azure Static Web Apps: staticwebapp.config.json in the folder deployed."""
    routes = [{"route": f"/{prefix}*", "headers": {"Cache-Control": LONG_CACHE}}
              for prefix in LONG_CACHE_PREFIXES]
    data = {
        "globalHeaders": {**dict(security_headers(config)), "Cache-Control": SHORT_CACHE},
        "routes": routes,
        "responseOverrides": {"404": {"rewrite": "/404.html"}},
        "mimeTypes": dict(MIME_TYPES),
    }
    return json.dumps(data, indent=2) + "\n"


def netlify_headers(config: Config) -> str:
    """_headers, read by Netlify and Cloudflare Pages from the folder deployed."""
    headers = "".join(f"  {name}: {value}\n" for name, value in security_headers(config))
    long = "".join(f"/{prefix}*\n  ! Cache-Control\n  Cache-Control: {LONG_CACHE}\n"
                   for prefix in LONG_CACHE_PREFIXES)
    return f"/*\n{headers}  Cache-Control: {SHORT_CACHE}\n{long}"


def cloudfront_policy(config: Config) -> str:
    """A CloudFront response headers policy (`aws cloudfront
    create-response-headers-policy --response-headers-policy-config file://...`)."""
    headers = dict(security_headers(config))
    data = {
        "Name": "planning-enforcement-site",
        "Comment": "Security headers of the planning enforcement site",
        "SecurityHeadersConfig": {
            "ContentSecurityPolicy": {"Override": True, "ContentSecurityPolicy":
                                      headers["Content-Security-Policy"]},
            "StrictTransportSecurity": {"Override": True, "AccessControlMaxAgeSec": 31536000,
                                        "IncludeSubdomains": False, "Preload": False},
            "ContentTypeOptions": {"Override": True},
            "ReferrerPolicy": {"Override": True, "ReferrerPolicy": REFERRER_POLICY},
            "FrameOptions": {"Override": True, "FrameOption": "DENY"},
        },
    }
    return json.dumps(data, indent=2) + "\n"


def s3_upload(config: Config) -> str:
    """Upload commands that give each file its Cache-Control (S3 sends what the object
    carries; CloudFront passes it on)."""
    excludes = " ".join(f"--exclude '{prefix}*'" for prefix in LONG_CACHE_PREFIXES)
    includes = " ".join(f"--include '{prefix}*'" for prefix in LONG_CACHE_PREFIXES)
    return f"""#!/bin/sh
# Amazon S3 + CloudFront: upload the site (enforcement-site hosting). Set BUCKET and
# DISTRIBUTION; the site folder is `site` (a link: the trailing slash follows it).
set -eu
: "${{BUCKET:?set BUCKET to the S3 bucket name}}"
: "${{DISTRIBUTION:?set DISTRIBUTION to the CloudFront distribution id}}"
# Files named by their content first, cached for a year (old ones are deleted).
aws s3 sync site/ "s3://$BUCKET/" --exclude '*' {includes} \\
    --cache-control '{LONG_CACHE}' --delete
# Everything else, cached for five minutes; files no longer in the site are deleted.
aws s3 sync site/ "s3://$BUCKET/" {excludes} \\
    --cache-control '{SHORT_CACHE}' --delete
aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION" --paths '/*'
"""


# A CloudFront Function (viewer request) that serves /register/ from
# /register/index.html: an S3 bucket reached as a REST origin has no index documents.
CLOUDFRONT_INDEX = """function handler(event) {
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
"""


def hosting_files(config: Config) -> list[HostingFile]:
    return [
        HostingFile("nginx.conf", "nginx server block", nginx(config)),
        HostingFile(".htaccess", "Apache", apache(config)),
        HostingFile("web.config", "IIS: in the site's root folder", iis_web_config(config)),
        HostingFile("staticwebapp.config.json", "Azure Static Web Apps: in the folder "
                    "deployed", static_web_app(config)),
        HostingFile("_headers", "Netlify or Cloudflare Pages: in the folder deployed",
                    netlify_headers(config)),
        HostingFile("cloudfront-response-headers-policy.json", "Amazon CloudFront "
                    "response headers policy", cloudfront_policy(config)),
        HostingFile("s3-upload.sh", "Amazon S3 upload with caching", s3_upload(config)),
        HostingFile("cloudfront-index.js", "Amazon CloudFront Function (viewer request) "
                    "for folder addresses", CLOUDFRONT_INDEX),
    ]


def _host(config: Config) -> str:
    match = re.match(r"https?://([^/:]+)", config.site.url)
    return match.group(1) if match else ""


def _xml(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
