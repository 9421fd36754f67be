/**
 * Bookinfo's responses (pure), shaped like the real services' (istio/istio samples/bookinfo):
 * details ~180 B JSON, ratings ~50 B JSON, reviews ~0.4 KB JSON, productpage ~5 KB HTML.
 */

export const PRODUCT = {
  id: 0,
  title: 'The Comedy of Errors',
  descriptionHtml:
    '<a href="https://en.wikipedia.org/wiki/The_Comedy_of_Errors">Wikipedia Summary</a>: The Comedy of Errors is one of <b>William Shakespeare\'s</b> early plays. It is his shortest and one of his most farcical comedies, with a major part of the humour coming from slapstick and mistaken identity, in addition to puns and word play.',
};

export function buildDetails(id: number): unknown {
  return {
    id,
    author: 'William Shakespeare',
    year: 1595,
    type: 'paperback',
    pages: 200,
    publisher: 'PublisherA',
    language: 'English',
    'ISBN-10': '1234567890',
    'ISBN-13': '123-1234567890',
  };
}

export function buildRatings(id: number): unknown {
  return { id, ratings: { Reviewer1: 5, Reviewer2: 4 } };
}

export const REVIEW_VERSIONS = ['v1', 'v2', 'v3'] as const;
export type ReviewsVersion = (typeof REVIEW_VERSIONS)[number];

const REVIEW_TEXTS = [
  {
    reviewer: 'Reviewer1',
    text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!',
  },
  {
    reviewer: 'Reviewer2',
    text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.',
  },
];

/** reviews vN: v1 has no stars, v2 black, v3 red (ratings may be unavailable: error text as upstream does). */
export function buildReviews(input: {
  id: number;
  version: ReviewsVersion;
  podname: string;
  ratings?: Record<string, number> | null;
}): unknown {
  const color = input.version === 'v3' ? 'red' : 'black';
  return {
    id: String(input.id),
    podname: input.podname,
    clustername: 'null',
    reviews: REVIEW_TEXTS.map((r) => {
      if (input.version === 'v1') return { ...r };
      const stars = input.ratings?.[r.reviewer];
      return {
        ...r,
        rating:
          stars === undefined ? { error: 'Ratings service is currently unavailable' } : { stars, color },
      };
    }),
  };
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

interface ReviewJson {
  reviewer: string;
  text: string;
  rating?: { stars?: number; color?: string; error?: string };
}

function starsHtml(rating: ReviewJson['rating']): string {
  if (!rating) return '';
  if (rating.error) return `<p><i>${escapeHtml(rating.error)}</i></p>`;
  const full = Math.max(0, Math.min(5, rating.stars ?? 0));
  const color = escapeHtml(rating.color ?? 'black');
  return `<font color="${color}">${'<span class="glyphicon glyphicon-star"></span>'.repeat(full)}${'<span class="glyphicon glyphicon-star-empty"></span>'.repeat(5 - full)}</font>`;
}

/** The product page: header, summary, details table and reviews, every value escaped. */
export function buildProductPage(input: {
  user?: string;
  details: Record<string, unknown> | null;
  reviews: { podname?: string; reviews?: ReviewJson[] } | null;
}): string {
  const details = input.details
    ? `<h4 class="text-center text-primary">Book Details</h4><dl>${Object.entries(input.details)
        .filter(([k]) => k !== 'id')
        .map(([k, v]) => `<dt>${escapeHtml(k)}:</dt><dd>${escapeHtml(v)}</dd>`)
        .join('')}</dl>`
    : '<h4 class="text-center text-primary">Error fetching product details!</h4><p>Sorry, product details are currently unavailable for this book.</p>';
  const reviews = input.reviews?.reviews
    ? `<h4 class="text-center text-primary">Book Reviews</h4>${input.reviews.reviews
        .map(
          (r) =>
            `<blockquote><p>${escapeHtml(r.text)}</p><small>${escapeHtml(r.reviewer)}</small>${starsHtml(r.rating)}</blockquote>`,
        )
        .join('')}<dl><dt>Reviews served by:</dt><u>${escapeHtml(input.reviews.podname ?? '')}</u></dl>`
    : '<h4 class="text-center text-primary">Error fetching product reviews!</h4><p>Sorry, product reviews are currently unavailable for this book.</p>';
  return `<!DOCTYPE html>
<html><head><title>Simple Bookstore App</title>
<meta charset="utf-8"><meta http-equiv="X-UA-Compatible" content="IE=edge"><meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="static/bootstrap/css/bootstrap.min.css"><link rel="stylesheet" href="static/bootstrap/css/bootstrap-theme.min.css">
<style>.navbar{margin-bottom:0}.book-details dt{float:left;width:140px}.glyphicon-star{color:inherit}blockquote{font-size:14px}</style>
</head><body>
<nav class="navbar navbar-inverse navbar-static-top"><div class="container"><div class="navbar-header"><a class="navbar-brand" href="#">BookInfo Sample</a></div>
<button type="button" class="btn btn-default navbar-btn pull-right" data-toggle="modal" data-target="#login-modal">${input.user ? `signed in as ${escapeHtml(input.user)}` : 'Sign in'}</button></div></nav>
<div class="modal fade" id="login-modal" tabindex="-1" role="dialog"><div class="modal-dialog" role="document"><div class="modal-content"><div class="modal-header"><h4 class="modal-title">Please sign in</h4></div>
<div class="modal-body"><form method="post" action="login" name="login_form"><p><input type="text" class="form-control" name="username" placeholder="User Name"></p><p><input type="password" class="form-control" name="passwd" placeholder="Password"></p><p><button type="submit" class="btn btn-primary">Sign in</button> <button type="button" class="btn btn-default" data-dismiss="modal">Cancel</button></p></form></div></div></div></div>
<div class="container-fluid"><div class="row"><div class="col-md-12"><h3 class="text-center text-primary">${escapeHtml(PRODUCT.title)}</h3>
<p>Summary: ${PRODUCT.descriptionHtml}</p></div></div>
<div class="row"><div class="col-md-6 book-details">${details}</div>
<div class="col-md-6">${reviews}</div></div></div>
<script src="static/jquery.min.js"></script><script src="static/bootstrap/js/bootstrap.min.js"></script>
<footer class="text-center"><p>Bookinfo sample application, rendered by meshbench's embedded productpage. Product id ${PRODUCT.id}.</p></footer>
</body></html>
`;
}
