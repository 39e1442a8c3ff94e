'use strict';
/*
 * 字数统计 in the editor's status bar (CKEditor 4 plugin, wuda_portal/settings.py).
 *
 * Counted as Chinese editors count an article's 字数 (WPS and Word's 「字符数（不计空格）」):
 * every character of the text, Chinese characters, letters, digits and punctuation alike,
 * without spaces of any width and without markup. django-ckeditor ships no word count plugin.
 */
(function () {
    var NOT_COUNTED = /[\s\u00a0\u2002\u2003\u3000\u200b-\u200d\u2060\ufeff]/g;

    function countCharacters(text) {
        return Array.from(text.replace(NOT_COUNTED, '')).length;  // a code point is one character
    }

    CKEDITOR.plugins.add('portalwordcount', {
        onLoad: function () {
            CKEDITOR.document.appendStyleSheet(this.path + 'plugin.css');
        },
        init: function (editor) {
            var id = editor.id + '_wordcount';
            var timer = null;

            editor.on('uiSpace', function (evt) {
                if (evt.data.space === 'bottom') {
                    evt.data.html += '<span id="' + id + '" class="cke_portal_wordcount" role="status"></span>';
                }
            });

            function show() {
                timer = null;
                var element = CKEDITOR.document.getById(id);
                var editable = editor.editable();
                if (!element || !editable) {
                    return;
                }
                var text = editor.mode === 'wysiwyg' ? editable.$.textContent : editor.getData().replace(/<[^>]*>/g, '');
                element.setText('字数：' + countCharacters(text));
            }

            function later() {
                if (timer === null) {
                    timer = window.setTimeout(show, 200);
                }
            }

            editor.on('instanceReady', show);
            editor.on('dataReady', later);
            editor.on('change', later);
            editor.on('key', later);
            editor.on('afterPaste', later);
            editor.on('mode', later);
        }
    });

    CKEDITOR.plugins.portalwordcount = {countCharacters: countCharacters};
})();
