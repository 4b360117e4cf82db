/* The search page. Register entries come from the register's own index (written by
   generator/pages/register_search.py, which documents its files); the other pages of
   the site come from Pagefind. A ?q= in the address (from the search forms on other
   pages) is searched straight away. Everything shown is built with textContent. */
(function () {
  'use strict';

  var INDEX = 'register-index/';  // relative to the search page
  var PAGE_SIZE = 20;  // register results shown at a time
  var PAGE_RESULTS = 10;  // Pagefind results shown
  var KEY_WEIGHT = 10;  // a word in a reference, address or ward outranks one in the text
  var SQUEEZED_EXACT = 1000;  // 'ENF/2021/0007' typed in full: that entry first
  var SQUEEZED_PREFIX = 500;

  var cache = {};
  function fetchJSON(url) {
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (response) {
        if (!response.ok) { throw new Error(url + ': ' + response.status); }
        return response.json();
      });
    }
    return cache[url];
  }

  /* The same rules as `words` in register_search.py: accents dropped, lower case, runs
     of a-z and 0-9, single letters dropped. */
  function words(text) {
    var plain = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    return (plain.match(/[a-z0-9]+/g) || []).filter(function (w) {
      return w.length > 1 || /^[0-9]$/.test(w);
    });
  }
  window.enforcementSearchWords = words;  // for the test that both sides agree

  /* The words as one term, numbers without leading zeros ('26/0001' -> '26~1'): the
     same as `joined` in register_search.py, which indexes references and house
     number with street in this form. */
  function joined(found) {
    return found.map(function (w) {
      return /^[0-9]+$/.test(w) ? (w.replace(/^0+/, '') || '0') : w;
    }).join('~');
  }
  window.enforcementSearchJoined = joined;

  function decodeGaps(gaps) {
    var out = [];
    var n = 0;
    for (var i = 0; i < gaps.length; i++) { n += gaps[i]; out.push(n); }
    return out;
  }

  /* Entries holding `word` or a word starting with it, with the best score each. */
  function matches(meta, word, exactScore, prefixScore) {
    var key = word.slice(0, meta.key_length);
    if (meta.shards.indexOf(key) < 0) { return Promise.resolve(new Map()); }
    return fetchJSON(INDEX + 'terms/' + key + '.json').then(function (terms) {
      var found = new Map();
      Object.keys(terms).forEach(function (term) {
        if (term.lastIndexOf(word, 0) !== 0) { return; }
        var base = term === word ? exactScore : prefixScore;
        terms[term].forEach(function (gaps, list) {
          var score = list === 0 ? base * KEY_WEIGHT : base;
          decodeGaps(gaps).forEach(function (id) {
            if ((found.get(id) || 0) < score) { found.set(id, score); }
          });
        });
      });
      return found;
    });
  }

  /* Entry numbers, best first: every word must match (as a word or the start of one);
     the query squeezed ('ENF20210007') also matches a reference typed without gaps. */
  function searchRegister(query) {
    return fetchJSON(INDEX + 'meta.json').then(function (meta) {
      var all = words(query);
      var kept = all.filter(function (w) { return meta.stop_words.indexOf(w) < 0; });
      if (!kept.length) { return []; }
      var lookups = kept.map(function (w) { return matches(meta, w, 2, 1); });
      var extra = 0;
      if (all.length > 1) {
        lookups.push(matches(meta, all.join(''), SQUEEZED_EXACT, SQUEEZED_PREFIX));
        extra += 1;
        // A reference typed short ('26/0001') or a house number and street.
        if (/[0-9]/.test(query)) {
          lookups.push(matches(meta, joined(all), SQUEEZED_EXACT, SQUEEZED_PREFIX));
          extra += 1;
        }
      }
      return Promise.all(lookups).then(function (found) {
        var squeezed = new Map();
        found.splice(found.length - extra, extra).forEach(function (each) {
          each.forEach(function (score, id) {
            if ((squeezed.get(id) || 0) < score) { squeezed.set(id, score); }
          });
        });
        var scores = new Map();
        found[0].forEach(function (score, id) {
          var total = score;
          for (var i = 1; i < found.length; i++) {
            var other = found[i].get(id);
            if (other === undefined) { return; }
            total += other;
          }
          scores.set(id, total);
        });
        squeezed.forEach(function (score, id) {
          scores.set(id, (scores.get(id) || 0) + score);
        });
        return Array.from(scores.keys()).sort(function (a, b) {
          return (scores.get(b) - scores.get(a)) || (a - b);
        });
      });
    });
  }

  function entryRows(ids) {
    return fetchJSON(INDEX + 'meta.json').then(function (meta) {
      var chunks = Array.from(new Set(ids.map(function (id) {
        return Math.floor(id / meta.chunk);
      })));
      return Promise.all(chunks.map(function (c) {
        return fetchJSON(INDEX + 'entries/' + c + '.json');
      })).then(function (loaded) {
        var byChunk = new Map();
        chunks.forEach(function (c, i) { byChunk.set(c, loaded[i]); });
        return ids.map(function (id) {
          return byChunk.get(Math.floor(id / meta.chunk))[id % meta.chunk];
        });
      });
    });
  }

  function searchPages(query) {
    var root = new URL('../', window.location.href);
    return import(new URL('pagefind/pagefind.js', root).href).then(function (pagefind) {
      return pagefind.options({ baseUrl: root.pathname }).then(function () {
        return pagefind.search(query);
      }).then(function (search) {
        return Promise.all(search.results.slice(0, PAGE_RESULTS).map(function (r) {
          return r.data();
        }));
      });
    });
  }

  function element(name, text, className) {
    var node = document.createElement(name);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function resultItem(href, title, details) {
    var item = element('li');
    var link = element('a', title, 'search-result__link');
    link.href = href;
    item.appendChild(link);
    details.forEach(function (detail) {
      if (detail) { item.appendChild(detail); }
    });
    return item;
  }

  function detail(text) {
    return text ? element('span', text, 'search-result__detail') : null;
  }

  /* Pagefind's excerpt is text with <mark> around the words found: rebuilt as nodes,
     never parsed as HTML. */
  function excerpt(html) {
    var decoder = document.createElement('textarea');
    var span = element('span', '', 'search-result__detail');
    html.split(/(<mark>|<\/mark>)/).reduce(function (marked, part) {
      if (part === '<mark>') { return true; }
      if (part === '</mark>') { return false; }
      decoder.innerHTML = part.replace(/<[^>]*>/g, '');
      var text = document.createTextNode(decoder.value);
      if (marked) {
        var mark = element('mark');
        mark.appendChild(text);
        span.appendChild(mark);
      } else {
        span.appendChild(text);
      }
      return marked;
    }, false);
    return span;
  }

  function count(n, one, many) {
    return n === 1 ? '1 ' + one : n.toLocaleString('en-GB') + ' ' + many;
  }

  function init() {
    var form = document.getElementById('site-search');
    if (!form || !window.fetch || !window.Map) { return; }
    var input = document.getElementById('site-search-q');
    var status = document.getElementById('search-status');
    var registerSection = document.getElementById('register-results');
    var registerList = registerSection.querySelector('ol');
    var more = registerSection.querySelector('.search-more');
    var pageSection = document.getElementById('page-results');
    var pageList = pageSection.querySelector('ol');
    var root = new URL('../', window.location.href);
    var current = 0;  // a newer search makes the results of an older one stale
    var ranked = [];
    var shown = 0;

    function showEntries(search) {
      var ids = ranked.slice(shown, shown + PAGE_SIZE);
      return entryRows(ids).then(function (rows) {
        if (search !== current) { return; }
        rows.forEach(function (row) {
          registerList.appendChild(resultItem(
            new URL('register/entries/' + row[0] + '/', root).href, row[1],
            [detail(row[2]), detail(row[3] + '. ' + row[4] + '.')]));
        });
        shown += ids.length;
        more.hidden = shown >= ranked.length;
      });
    }

    function run(query) {
      var search = ++current;
      registerList.textContent = '';
      pageList.textContent = '';
      registerSection.hidden = pageSection.hidden = more.hidden = true;
      ranked = [];
      shown = 0;
      if (!query.trim()) { status.textContent = ''; return; }
      status.textContent = 'Searching…';
      var pages = searchPages(query).catch(function () { return null; });
      searchRegister(query).then(function (ids) {
        ranked = ids;
        return showEntries(search);
      }).then(function () {
        return pages;
      }).then(function (found) {
        if (search !== current) { return; }
        (found || []).forEach(function (page) {
          pageList.appendChild(resultItem(page.url, page.meta.title || page.url,
                                          [excerpt(page.excerpt || '')]));
        });
        registerSection.hidden = ranked.length === 0;
        pageSection.hidden = !found || found.length === 0;
        var pagesFound = found ? found.length : 0;
        status.textContent = ranked.length || pagesFound
          ? count(ranked.length, 'register entry', 'register entries') + ' and ' +
            count(pagesFound, 'page', 'pages') + ' match “' + query + '”.'
          : 'Nothing matches “' + query + '”. Try fewer or shorter words, or browse ' +
            'the register index by street.';
      }).catch(function () {
        if (search !== current) { return; }
        status.textContent = 'The search could not be loaded. Try again, or browse ' +
          'the register index by street.';
      });
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var query = input.value;
      var url = new URL(window.location.href);
      url.searchParams.set('q', query);
      window.history.replaceState(null, '', url.href);
      run(query);
    });
    more.addEventListener('click', function () {
      var first = registerList.children.length;
      showEntries(current).then(function () {
        var next = registerList.children[first];
        if (next) { next.querySelector('a').focus(); }
      });
    });
    var query = new URLSearchParams(window.location.search).get('q');
    if (query) {
      input.value = query;
      run(query);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
