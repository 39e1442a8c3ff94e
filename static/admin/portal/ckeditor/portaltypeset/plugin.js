'use strict';
/*
 * The body as Chinese government sites set it (CKEditor 4 plugin, wuda_portal/settings.py).
 *
 * - Paste: what Word, WPS or a web page put on the clipboard keeps its structure; first-line
 *   indents (Word's `text-indent:32pt`, `text-indent:2em`), left or justified alignment and
 *   spaces typed at the start of a paragraph go, because the site indents and justifies
 *   every body paragraph itself (static/css/site.css). Fonts, sizes and colours are removed
 *   by the editor's content filter (disallowedContent in the settings).
 * - 「一键排版」: the same, plus empty paragraphs removed, ASCII punctuation between Chinese
 *   characters made full-width, spaces between Chinese characters removed, images centred.
 *   One command, so the editor's undo takes it back in one step.
 * - 「首行缩进」: on by default; off marks a paragraph `no-indent` (the one class the
 *   sanitiser keeps), for the exceptions.
 *
 * The server applies the paste rule again on save (news/normalize.py, news/sanitize.py);
 * tests/news/fixtures/normalize_cases.json holds cases both sides pass.
 */
(function () {
    var BLOCKS = ['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'td', 'th', 'caption', 'figcaption', 'blockquote'];
    var CONTENT_TAGS = ['img', 'br', 'hr', 'table', 'figure'];
    var LEADING_SPACES = ' \t\n\r\f\u00a0\u2002\u2003\u3000';
    var INLINE_SPACES = ' \t\u00a0\u2002\u2003\u3000';
    var NO_INDENT = 'no-indent';
    var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
    // Full-width punctuation, quotes and brackets: Chinese text as much as the characters.
    var CJK_PUNCTUATION = /[\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u201c\u201d\u2018\u2019\u2014\u2026]/;
    var OPENING = /[\u201c\u2018\uff08\u300a\u3010\u300c\u300e]/;
    var CLOSING = /[\u201d\u2019\uff09\u300b\u3011\u300d\u300f]/;
    var FULL_WIDTH = {',': '\uff0c', '.': '\u3002', ':': '\uff1a', ';': '\uff1b', '?': '\uff1f', '!': '\uff01'};
    var BREAK = '\n';  // a <br> or an image inside a block: text on either side is not adjacent

    function tagName(node) {
        return node.nodeType === 1 ? node.nodeName.toLowerCase() : '';
    }

    function isChinese(ch) {
        return !!ch && (HAN.test(ch) || CJK_PUNCTUATION.test(ch));
    }

    // Layout kept by the site's style: no first-line indent, no left or justified alignment.
    function cleanStyle(element) {
        var style = element.getAttribute('style');
        if (style === null) {
            return;
        }
        var kept = [];
        style.split(';').forEach(function (declaration) {
            var colon = declaration.indexOf(':');
            if (colon < 0) {
                return;
            }
            var name = declaration.slice(0, colon).trim().toLowerCase();
            var value = declaration.slice(colon + 1).trim();
            if (name === 'text-indent' || name.indexOf('mso-') === 0) {
                return;
            }
            if (name === 'text-align' && /^(left|justify|start)$/i.test(value)) {
                return;
            }
            kept.push(name + ':' + value);
        });
        if (kept.length) {
            element.setAttribute('style', kept.join(';'));
        } else {
            element.removeAttribute('style');
        }
    }

    // Old web pages centre with align="center", which the content filter would drop: a
    // centred title stays centred. (Paste from Word does this for Word's own HTML.)
    function alignmentToStyle(root) {
        Array.prototype.forEach.call(root.querySelectorAll('[align]'), function (element) {
            var name = tagName(element);
            if (name === 'table' || name === 'img') {
                return;
            }
            var align = element.getAttribute('align').trim().toLowerCase();
            var style = element.getAttribute('style') || '';
            element.removeAttribute('align');
            if ((align === 'center' || align === 'right') && !/text-align\s*:/i.test(style)) {
                element.setAttribute('style', (style.trim() ? style.replace(/;?\s*$/, ';') : '') + 'text-align:' + align);
            }
        });
    }

    // The text nodes holding the spaces at the start of `parent`, up to its first content:
    // 'text' when that is text (the spaces go), 'element' for an image, a table or a nested
    // block, null for none (`<p>&nbsp;</p>`, a blank line): then the spaces are kept.
    function scanLeading(parent, edits, skip) {
        for (var child = parent.firstChild; child; child = child.nextSibling) {
            if (child.nodeType === 3) {
                var text = child.nodeValue;
                var i = 0;
                while (i < text.length && LEADING_SPACES.indexOf(text.charAt(i)) >= 0) {
                    i++;
                }
                if (i > 0) {
                    edits.push([child, text.slice(i)]);
                }
                if (i < text.length) {
                    return 'text';
                }
            } else if (child.nodeType === 1) {
                var name = tagName(child);
                if (BLOCKS.indexOf(name) >= 0 || CONTENT_TAGS.indexOf(name) >= 0 || skip(child)) {
                    return 'element';
                }
                var found = scanLeading(child, edits, skip);
                if (found) {
                    return found;
                }
            }
        }
        return null;
    }

    function removeLeadingSpaces(block, skip) {
        var edits = [];
        if (scanLeading(block, edits, skip) === 'text') {
            edits.forEach(function (edit) {
                edit[0].nodeValue = edit[1];
            });
        }
    }

    function neverSkip() {
        return false;
    }

    // The rule the server applies too (news/normalize.py).
    function normalizeElement(root, skip) {
        skip = skip || neverSkip;
        Array.prototype.forEach.call(root.querySelectorAll('[style]'), function (element) {
            if (!skip(element)) {
                cleanStyle(element);
            }
        });
        Array.prototype.forEach.call(root.querySelectorAll(BLOCKS.join(',')), function (block) {
            if (!skip(block)) {
                removeLeadingSpaces(block, skip);
            }
        });
    }

    // The text of a block as one string, each character tied to its text node, so that
    // rules can look across <strong> and <span>; nested blocks are left to themselves.
    function blockText(block, skip) {
        var chars = [];
        (function walk(parent) {
            for (var child = parent.firstChild; child; child = child.nextSibling) {
                if (child.nodeType === 3) {
                    for (var i = 0; i < child.nodeValue.length; i++) {
                        chars.push({ch: child.nodeValue.charAt(i), node: child});
                    }
                } else if (child.nodeType === 1) {
                    var name = tagName(child);
                    if (BLOCKS.indexOf(name) >= 0 || skip(child)) {
                        chars.push({ch: BREAK, node: null});
                    } else if (CONTENT_TAGS.indexOf(name) >= 0) {
                        chars.push({ch: BREAK, node: null});
                    } else {
                        walk(child);
                    }
                }
            }
        })(block);
        return chars;
    }

    function neighbour(chars, from, step) {
        for (var i = from + step; i >= 0 && i < chars.length; i += step) {
            if (chars[i].ch !== '' && INLINE_SPACES.indexOf(chars[i].ch) < 0) {  // '' was removed
                return chars[i].ch;
            }
        }
        return BREAK;
    }

    function fullWidthQuotes(chars) {
        var quotes = [];
        chars.forEach(function (c, i) {
            if (c.ch === '"') {
                quotes.push(i);
            }
        });
        for (var q = 0; q + 1 < quotes.length; q += 2) {
            var inside = chars.slice(quotes[q] + 1, quotes[q + 1]);
            if (inside.some(function (c) { return HAN.test(c.ch); })) {
                chars[quotes[q]].ch = '\u201c';
                chars[quotes[q + 1]].ch = '\u201d';
            }
        }
    }

    // `,.:;?!` after a Chinese character and before one, a number or the end of a line:
    // never inside numbers (3.14, 1,000), addresses (www.12371.cn) or Latin text, nor an
    // ellipsis.
    function fullWidthPunctuation(chars) {
        chars.forEach(function (c, i) {
            if (!FULL_WIDTH.hasOwnProperty(c.ch)) {
                return;
            }
            if (c.ch === '.' && ((chars[i - 1] || {}).ch === '.' || (chars[i + 1] || {}).ch === '.')) {
                return;
            }
            var before = neighbour(chars, i, -1);
            var after = neighbour(chars, i, 1);
            var chineseBefore = HAN.test(before) || CLOSING.test(before);
            var chineseAfter = after === BREAK || HAN.test(after) || OPENING.test(after) ||
                (c.ch !== '.' && /[0-9]/.test(after));  // 时间:2026年 (a decimal point never)
            if (chineseBefore && chineseAfter) {
                c.ch = FULL_WIDTH[c.ch];
            }
        });
    }

    // Spaces between two Chinese characters (or their punctuation) are strays.
    function removeStraySpaces(chars) {
        var i = 0;
        while (i < chars.length) {
            if (INLINE_SPACES.indexOf(chars[i].ch) < 0) {
                i++;
                continue;
            }
            var end = i;
            while (end < chars.length && INLINE_SPACES.indexOf(chars[end].ch) >= 0) {
                end++;
            }
            if (i > 0 && isChinese(chars[i - 1].ch) && end < chars.length && isChinese(chars[end].ch)) {
                for (var k = i; k < end; k++) {
                    chars[k].ch = '';
                }
            }
            i = end;
        }
    }

    function writeBack(chars) {
        var texts = new Map();
        chars.forEach(function (c) {
            if (c.node) {
                texts.set(c.node, (texts.get(c.node) || '') + c.ch);
            }
        });
        texts.forEach(function (text, node) {
            if (node.nodeValue !== text) {
                node.nodeValue = text;
            }
        });
    }

    function isEmptyParagraph(p) {
        if (p.querySelector('img, table, hr, figure, iframe, video, audio') || p.classList.contains('cke_widget_wrapper')) {
            return false;
        }
        return p.textContent.replace(/[\s\u00a0\u2002\u2003\u3000\u200b\ufeff]/g, '') === '';
    }

    function centreImages(root, skip) {
        Array.prototype.forEach.call(root.querySelectorAll('img'), function (img) {
            var block = img.parentNode;
            while (block && block !== root && tagName(block) !== 'p' && tagName(block) !== 'div') {
                block = block.parentNode;
            }
            if (!block || block === root || skip(img)) {
                return;
            }
            var text = block.textContent.replace(/[\s\u00a0\u3000\u200b\ufeff]/g, '');
            if (text !== '') {
                return;  // an image inside a sentence stays where the editor put it
            }
            Array.prototype.forEach.call(block.querySelectorAll('img[style]'), function (image) {
                image.style.removeProperty('float');
                if (!image.getAttribute('style')) {
                    image.removeAttribute('style');
                }
            });
            cleanStyle(block);
            var kept = (block.getAttribute('style') || '').split(';').filter(function (declaration) {
                return declaration && !/^\s*text-align\s*:/i.test(declaration);
            });
            block.setAttribute('style', kept.concat(['text-align:center']).join(';'));
        });
    }

    function typesetElement(root, skip) {
        skip = skip || neverSkip;
        Array.prototype.forEach.call(root.querySelectorAll('p'), function (p) {
            if (!skip(p) && isEmptyParagraph(p)) {
                p.parentNode.removeChild(p);
            }
        });
        normalizeElement(root, skip);
        Array.prototype.forEach.call(root.querySelectorAll(BLOCKS.join(',')), function (block) {
            if (skip(block)) {
                return;
            }
            var chars = blockText(block, skip);
            fullWidthQuotes(chars);
            fullWidthPunctuation(chars);
            removeStraySpaces(chars);
            writeBack(chars);
        });
        centreImages(root, skip);
    }

    // HTML in, HTML out, in a document that loads nothing (what a paste brings, and tests).
    function onHtml(html, change) {
        var box = document.implementation.createHTMLDocument('').createElement('div');
        box.innerHTML = html;
        change(box);
        return box.innerHTML;
    }

    function insideWidget(element) {
        return !!(element.closest && element.closest('[data-cke-widget-wrapper], .cke_widget_wrapper'));
    }

    CKEDITOR.plugins.add('portaltypeset', {
        onLoad: function () {
            CKEDITOR.document.appendStyleSheet(this.path + 'plugin.css');
        },
        init: function (editor) {
            editor.addContentsCss(this.path + 'contents.css');

            editor.on('paste', function (evt) {
                if (evt.data.type === 'html' && evt.data.dataValue) {
                    evt.data.dataValue = onHtml(evt.data.dataValue, function (box) {
                        alignmentToStyle(box);
                        normalizeElement(box);
                    });
                }
            }, null, null, 999);  // after Paste from Word, before the content filter inserts it

            editor.addCommand('portalTypeset', {
                // Recorded by the undo plugin before and after: one undo step.
                exec: function (editor) {
                    var editable = editor.editable();
                    typesetElement(editable.$, insideWidget);
                    if (editor.widgets) {
                        Object.keys(editor.widgets.instances).forEach(function (id) {
                            var widget = editor.widgets.instances[id];
                            if (widget.name === 'image' && widget.data.align !== 'center') {
                                widget.setData('align', 'center');
                            }
                        });
                    }
                    var range = editor.createRange();
                    range.moveToElementEditStart(editable);
                    range.select();
                    editor.fire('change');
                    editor.showNotification && editor.showNotification('已完成一键排版，可用“撤销”恢复。', 'success', 3000);
                }
            });

            editor.addCommand('portalFirstLineIndent', {
                allowedContent: 'p(' + NO_INDENT + ')',
                requiredContent: 'p(' + NO_INDENT + ')',
                contextSensitive: true,
                refresh: function (editor, path) {
                    var block = path.block;
                    if (!block || !block.is('p')) {
                        this.setState(CKEDITOR.TRISTATE_DISABLED);
                    } else {
                        this.setState(block.hasClass(NO_INDENT) ? CKEDITOR.TRISTATE_OFF : CKEDITOR.TRISTATE_ON);
                    }
                },
                exec: function (editor) {
                    var indent = this.state !== CKEDITOR.TRISTATE_ON;
                    editor.getSelection().getRanges().forEach(function (range) {
                        var walker = range.createIterator();
                        var block;
                        while ((block = walker.getNextParagraph('p'))) {
                            if (block.is('p')) {
                                if (indent) {
                                    block.removeClass(NO_INDENT);
                                } else {
                                    block.addClass(NO_INDENT);
                                }
                            }
                        }
                    });
                    this.setState(indent ? CKEDITOR.TRISTATE_ON : CKEDITOR.TRISTATE_OFF);
                }
            });

            editor.ui.addButton('Typeset', {
                label: '一键排版',
                command: 'portalTypeset',
                toolbar: 'portaltypeset'
            });
            editor.ui.addButton('FirstLineIndent', {
                label: '首行缩进',
                command: 'portalFirstLineIndent',
                toolbar: 'portaltypeset'
            });
        }
    });

    // For tests and for other scripts: the same rules on an HTML string.
    CKEDITOR.plugins.portaltypeset = {
        normalizeHtml: function (html) {
            return onHtml(html, function (box) { normalizeElement(box); });
        },
        typesetHtml: function (html) {
            return onHtml(html, function (box) { typesetElement(box); });
        }
    };
})();
