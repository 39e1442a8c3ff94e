'use strict';
/*
 * Images as editors expect (issue 20 §3), on top of CKEditor 4's enhanced image (image2)
 * and its upload of pasted and dropped files (uploadimage):
 *
 * - 「上传图片」 in the toolbar: choose one or more photos and they are in the article, at
 *   the cursor, as soon as they are uploaded. The files take the path of a paste, so the
 *   upload, its progress and its errors are uploadimage's, through the same checked view
 *   (news.editor_uploads) as pasted and dropped images.
 * - Chinese words for what image2 says in English or in a translator's Chinese: 图注 for the
 *   caption, 图片地址 instead of 「URL」 (and 网址 in the link dialog).
 * - The caption's placeholder (this image2 writes it as text) is selected when the caption
 *   is entered, so what is typed replaces it, and it is never saved as a caption.
 * - WebP accepted like JPEG, PNG and GIF (the server's image policy takes all four).
 */
(() => {
    const TYPES = 'image/jpeg,image/png,image/gif,image/webp';
    const CAPTION_PLACEHOLDER = '在此输入图注';

    function isPlaceholder(text) {
        return text.replace(/\u200b/g, '').trim() === CAPTION_PLACEHOLDER;
    }

    function selectPlaceholderOnEntry(editor, widget) {
        const caption = widget.editables && widget.editables.caption;
        if (!caption) {
            return;
        }
        const select = () => {
            // After the click that entered it has placed the caret.
            window.setTimeout(() => {
                if (isPlaceholder(caption.getText())) {
                    const range = editor.createRange();
                    range.selectNodeContents(caption);
                    range.select();
                }
            }, 0);
        };
        caption.on('focus', select);
        caption.on('mouseup', select);
    }

    function insertFiles(editor, files) {
        if (!files.length) {
            return;
        }
        const transfer = new DataTransfer();
        for (const file of files) {
            transfer.items.add(file);
        }
        editor.focus();
        editor.fire('paste', {
            type: 'auto',
            method: 'paste',
            dataValue: '',
            dataTransfer: new CKEDITOR.plugins.clipboard.dataTransfer(transfer, editor),
        });
    }

    function chooseFiles(editor) {
        const input = document.createElement('input');
        input.type = 'file';
        input.accept = TYPES;
        input.multiple = true;
        input.addEventListener('change', () => insertFiles(editor, Array.from(input.files)));
        input.click();
    }

    CKEDITOR.plugins.add('portalimage', {
        requires: 'image2,uploadimage',

        onLoad() {
            CKEDITOR.document.appendStyleSheet(this.path + 'toolbar.css');
            CKEDITOR.on('dialogDefinition', (event) => {
                if (event.data.name !== 'image2') {
                    return;
                }
                const info = event.data.definition.getContents('info');
                const source = info && info.get('src');
                if (source) {
                    source.label = '图片地址';
                }
            });
        },

        beforeInit(editor) {
            // Read by uploadimage's init, which runs before this plugin's.
            editor.config.uploadImage_supportedTypes = /image\/(jpeg|png|gif|webp)/;
        },

        init(editor) {
            // CKEditor's Chinese says 「URL」 in the link dialog too.
            Object.assign(editor.lang.common, { url: '网址', longDescr: '详细说明网址' });
            Object.assign(editor.lang.image2, {
                captioned: '添加图注',
                captionPlaceholder: CAPTION_PLACEHOLDER,
                pathNameCaption: '图注',
                alt: '图片说明（替换文本）',
            });
            editor.widgets.on('instanceCreated', (event) => {
                const widget = event.data;
                if (widget.name === 'image') {
                    widget.on('ready', () => selectPlaceholderOnEntry(editor, widget));
                }
            });
            editor.on('toDataFormat', (event) => {
                event.data.dataValue.forEach((node) => {
                    if (node.name === 'figcaption' && isPlaceholder(node.getHtml())) {
                        node.setHtml('');
                    }
                    if (node.attributes && node.attributes.style !== undefined && !node.attributes.style.trim()) {
                        delete node.attributes.style;  // an empty style="" left by the widget
                    }
                }, CKEDITOR.NODE_ELEMENT);
            }, null, null, 14);
            editor.addCommand('portalImageUpload', {
                exec: chooseFiles,
                allowedContent: 'img[!src,alt,width,height]',
                requiredContent: 'img[src]',
            });
            editor.ui.addButton('PortalImageUpload', {
                label: '上传图片',
                command: 'portalImageUpload',
                toolbar: 'insert,5',
                icon: 'image',
            });
        },
    });
})();
