#!/bin/sh
# Amazon S3 + CloudFront: upload the site (enforcement-site hosting). Set BUCKET and
# DISTRIBUTION; the site folder is `site` (a link: the trailing slash follows it).
set -eu
: "${BUCKET:?set BUCKET to the S3 bucket name}"
: "${DISTRIBUTION:?set DISTRIBUTION to the CloudFront distribution id}"
# Files named by their content first, cached for a year (old ones are deleted).
aws s3 sync site/ "s3://$BUCKET/" --exclude '*' --include 'assets/javascripts/bundle.*' --include 'assets/javascripts/workers/search.*' --include 'assets/stylesheets/main.*' --include 'assets/stylesheets/palette.*' --include 'pagefind/fragment/*' --include 'pagefind/index/*' \
    --cache-control 'public, max-age=31536000, immutable' --delete
# Everything else, cached for five minutes; files no longer in the site are deleted.
aws s3 sync site/ "s3://$BUCKET/" --exclude 'assets/javascripts/bundle.*' --exclude 'assets/javascripts/workers/search.*' --exclude 'assets/stylesheets/main.*' --exclude 'assets/stylesheets/palette.*' --exclude 'pagefind/fragment/*' --exclude 'pagefind/index/*' \
    --cache-control 'public, max-age=300, must-revalidate' --delete
aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION" --paths '/*'
