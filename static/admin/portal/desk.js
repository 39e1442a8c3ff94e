'use strict';
/*
 * The editor's desk (core/admin_desk.py): nothing typed into an admin form is lost.
 *
 * - Autosave: the form (rich text from CKEditor included) is kept in this browser's
 *   localStorage every 30 seconds and when the page is left, under the user and the object.
 *   In the browser because the failures that lose work are an ended session and a broken
 *   network, exactly when the server cannot take a copy. Opening the form again offers the
 *   copy with a preview; a successful save removes it (the server answers with a cookie
 *   naming the page that was saved).
 * - The login session: a warning five minutes before it ends, with 「继续编辑」; a save is
 *   sent only after asking the server whether the session still holds. If it has ended,
 *   the form is kept and the editor logs in; the form then opens filled in again.
 * - Character counters, and links from the list of errors to their fields.
 * - On the page of a form refused as too large (core.oversized): whether this browser
 *   holds its copy, and from when.
 */
{
    const STORE = 'wuda.desk.v1';
    const AUTOSAVE_MS = 30 * 1000;
    const KEEP_MS = 7 * 24 * 3600 * 1000;
    const SAVED_COOKIE = 'desk_saved';
    const PAGE_FIELD = '_desk_page';
    const NOT_KEPT = /^(csrfmiddlewaretoken|_.*)$|-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$|__prefix__/;
    const NO_VALUE_TYPES = ['file', 'submit', 'button', 'reset', 'hidden', 'password', 'image'];
    const MAX_TIMEOUT = 2147483647;

    const storage = (() => {
        try {
            window.localStorage.getItem(STORE);
            return window.localStorage;
        } catch (error) {
            return null;  // storage disabled: the desk still warns and checks before saving
        }
    })();

    function readCopy(name) {
        try {
            return JSON.parse(storage.getItem(name));
        } catch (error) {
            return null;
        }
    }

    function storedCopies() {
        const names = [];
        for (let i = 0; i < storage.length; i++) {
            const name = storage.key(i);
            if (name && name.startsWith(STORE + ':')) {
                names.push(name);
            }
        }
        return names;
    }

    function cookie(name) {
        const match = document.cookie.match(new RegExp('(?:^|;\\s*)' + name + '=([^;]*)'));
        return match ? decodeURIComponent(match[1].replace(/^"|"$/g, '')) : '';
    }

    function two(number) {
        return String(number).padStart(2, '0');
    }

    // 14:05 today, 11月28日 14:05 another day.
    function when(time) {
        const date = new Date(time);
        const clock = `${two(date.getHours())}:${two(date.getMinutes())}`;
        return date.toDateString() === new Date().toDateString()
            ? clock : `${date.getMonth() + 1}月${date.getDate()}日 ${clock}`;
    }

    function textOf(html) {
        // DOMParser builds an inert document: nothing in the copy runs or loads.
        const text = new DOMParser().parseFromString(html, 'text/html').body.textContent || '';
        return text.replace(/\s+/g, ' ').trim();
    }

    function shorten(text, length) {
        const chars = Array.from(text);
        return chars.length > length ? chars.slice(0, length).join('') + '…' : text;
    }

    function randomId() {
        const bytes = new Uint8Array(12);
        window.crypto.getRandomValues(bytes);
        return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    }

    function element(tag, attributes, ...children) {
        const node = document.createElement(tag);
        for (const [name, value] of Object.entries(attributes || {})) {
            if (name === 'onclick') {
                node.addEventListener('click', value);
            } else {
                node.setAttribute(name, value);
            }
        }
        node.append(...children.filter((child) => child !== null && child !== undefined));
        return node;
    }

    function button(text, onclick, primary) {
        return element('button', {type: 'button', class: primary ? 'button desk-primary' : 'button', onclick}, text);
    }

    function editorFor(field) {
        return window.CKEDITOR && field.id ? window.CKEDITOR.instances[field.id] : null;
    }

    // --- After a save: the server names the page that was saved; its copy goes ---------

    function dropSavedCopy() {
        const saved = cookie(SAVED_COOKIE);
        if (!saved || !storage) {
            return;
        }
        const [key, page] = saved.split('|');
        for (const name of storedCopies()) {
            const copy = readCopy(name);
            if (copy && copy.key === key && copy.page === page) {
                storage.removeItem(name);
            }
        }
    }

    function dropOldCopies() {
        for (const name of storedCopies()) {
            const copy = readCopy(name);
            if (!copy || !(Date.now() - copy.savedAt < KEEP_MS)) {
                storage.removeItem(name);
            }
        }
    }

    // --- The form's values ----------------------------------------------------------

    function keptFields(form) {
        return Array.from(form.elements).filter((field) => (
            field.name && !field.disabled && !NOT_KEPT.test(field.name) && !NO_VALUE_TYPES.includes(field.type)
        ));
    }

    function collect(form) {
        const values = {};
        for (const field of keptFields(form)) {
            const name = field.name;
            if (field.type === 'checkbox') {
                values[name] = values[name] || [];
                if (field.checked) {
                    values[name].push(field.value);
                }
            } else if (field.type === 'radio') {
                if (!(name in values)) {
                    values[name] = null;
                }
                if (field.checked) {
                    values[name] = field.value;
                }
            } else if (field.tagName === 'SELECT' && field.multiple) {
                values[name] = Array.from(field.selectedOptions, (option) => option.value);
            } else {
                const editor = editorFor(field);
                values[name] = editor && editor.status === 'ready' ? editor.getData() : field.value;
            }
        }
        return values;
    }

    // Puts a copy's values into the form; resolves once the editors show them too.
    function fill(form, values) {
        const loading = [];
        for (const field of keptFields(form)) {
            const name = field.name;
            if (!(name in values)) {
                continue;
            }
            const value = values[name];
            if (field.type === 'checkbox') {
                field.checked = Array.isArray(value) && value.includes(field.value);
            } else if (field.type === 'radio') {
                field.checked = value === field.value;
            } else if (field.tagName === 'SELECT' && field.multiple) {
                for (const option of field.options) {
                    option.selected = Array.isArray(value) && value.includes(option.value);
                }
            } else {
                field.value = value;
                const editor = editorFor(field);
                if (editor) {
                    loading.push(new Promise((resolve) => editor.setData(value, {callback: resolve})));
                }
            }
            field.dispatchEvent(new Event('input', {bubbles: true}));
            field.dispatchEvent(new Event('change', {bubbles: true}));
        }
        return Promise.all(loading);
    }

    function labelOf(form, name) {
        const field = form.elements.namedItem(name);
        const first = field && (field.length !== undefined && !field.tagName ? field[0] : field);
        if (!first) {
            return name;
        }
        const label = first.id && form.querySelector(`label[for="${CSS.escape(first.id)}"]`);
        if (label) {
            return label.textContent.replace(/[:：]\s*$/, '').trim();
        }
        const group = first.closest('.inline-group');
        const row = name.match(/-(\d+)-[^-]+$/);
        if (group && row) {
            const heading = group.querySelector('h2');
            return `${heading ? heading.textContent.trim() : ''} 第 ${Number(row[1]) + 1} 行`;
        }
        return name;
    }

    function chosenFiles(form) {
        const files = [];
        for (const field of form.querySelectorAll('input[type=file]')) {
            for (const file of field.files || []) {
                files.push({label: labelOf(form, field.name), name: file.name});
            }
        }
        return files;
    }

    function editorsReady(form) {
        const expected = Array.from(form.querySelectorAll('textarea[data-type="ckeditortype"]'))
            .filter((textarea) => !textarea.id.includes('__prefix__'));
        if (!expected.length) {
            return Promise.resolve();
        }
        return new Promise((resolve) => {
            const ready = () => window.CKEDITOR && expected.every((textarea) => {
                const editor = window.CKEDITOR.instances[textarea.id];
                return editor && editor.status === 'ready';
            });
            if (ready()) {
                resolve();
                return;
            }
            const poll = setInterval(() => {
                if (ready()) {
                    clearInterval(poll);
                    resolve();
                }
            }, 100);
            // Without the editor (it failed to load) the text areas are the form.
            setTimeout(() => {
                clearInterval(poll);
                resolve();
            }, 15000);
        });
    }

    // --- The login session ----------------------------------------------------------

    class Session {
        constructor(desk, url) {
            this.desk = desk;
            this.url = url;
            this.timer = null;
            this.ticker = null;
            this.endsAt = null;
        }

        async status() {
            const response = await fetch(this.url, {
                credentials: 'same-origin', cache: 'no-store', headers: {Accept: 'application/json'},
            });
            if (!response.ok) {
                throw new Error(`session status ${response.status}`);
            }
            return response.json();
        }

        async extend() {
            const response = await fetch(this.url, {
                method: 'POST',
                credentials: 'same-origin',
                cache: 'no-store',
                headers: {Accept: 'application/json', 'X-CSRFToken': this.desk.csrfToken()},
            });
            if (!response.ok) {
                throw new Error(`session extend ${response.status}`);
            }
            return response.json();
        }

        later(seconds) {
            clearTimeout(this.timer);
            this.timer = setTimeout(() => this.check(), Math.min(seconds * 1000, MAX_TIMEOUT));
        }

        async check() {
            let state;
            try {
                state = await this.status();
            } catch (error) {
                this.later(60);  // the network: ask again in a minute
                return;
            }
            this.follow(state);
        }

        follow(state) {
            if (!state.authenticated) {
                this.stopTicking();
                this.desk.sessionEnded();
                return;
            }
            this.endsAt = Date.now() + state.seconds_left * 1000;
            if (state.seconds_left > state.warn_before) {
                this.desk.hide('session');
                this.stopTicking();
                this.later(state.seconds_left - state.warn_before);
            } else {
                this.warn();
                // Again at the end, or sooner: another window may have extended the session.
                this.later(Math.min(state.seconds_left + 1, 30));
            }
        }

        warn() {
            const text = element('span', {class: 'desk-countdown'});
            const tick = () => {
                const left = Math.max(0, Math.round((this.endsAt - Date.now()) / 1000));
                text.textContent = `登录将在 ${Math.floor(left / 60)} 分 ${two(left % 60)} 秒后过期，过期后需要重新登录才能保存。`;
            };
            tick();
            this.stopTicking();
            this.ticker = setInterval(tick, 1000);
            this.desk.show('session', 'warning', [text], [button('继续编辑', () => this.keepEditing(), true)]);
        }

        async keepEditing() {
            try {
                this.follow(await this.extend());
            } catch (error) {
                this.desk.show('session', 'error', ['网络连接异常，暂时无法延长登录，请稍后再试。'],
                    [button('继续编辑', () => this.keepEditing(), true)]);
            }
        }

        stopTicking() {
            clearInterval(this.ticker);
            this.ticker = null;
        }
    }

    // --- The desk of one form -----------------------------------------------------------

    class Desk {
        constructor(form, root) {
            this.form = form;
            this.root = root;
            const data = root.dataset;
            this.key = data.key;
            this.storageName = data.key && storage ? `${STORE}:${data.user}:${data.key}` : null;
            this.version = data.version;
            this.loginUrl = data.loginUrl;
            this.csrfCookie = data.csrfCookie;
            this.uploadLimit = parseInt(data.uploadLimit, 10) || 0;
            // A form that came back with errors holds what the editor sent, not what is saved.
            this.unsaved = data.bound === '1';
            this.page = randomId();
            this.ready = false;
            this.initial = null;
            this.written = null;
            this.resubmitting = false;
            this.session = new Session(this, data.sessionUrl);
            this.notices = {};
            this.status = element('p', {class: 'desk-status', 'aria-live': 'polite'});
            root.append(this.status);
            root.hidden = false;
            form.append(element('input', {type: 'hidden', name: PAGE_FIELD, value: this.page}));
        }

        start() {
            this.form.addEventListener('submit', (event) => this.submitted(event));
            this.session.check();
            document.addEventListener('visibilitychange', () => {
                if (document.visibilityState === 'hidden') {
                    this.save();
                } else {
                    this.session.check();  // timers sleep with the computer
                }
            });
            window.addEventListener('pagehide', () => this.save());
            editorsReady(this.form).then(() => {
                this.initial = collect(this.form);
                this.ready = true;
                this.root.dataset.ready = '1';
                this.offerCopy();
                if (this.unsaved) {
                    this.save();
                }
                setInterval(() => this.save(), AUTOSAVE_MS);
            });
        }

        // --- Notices at the top of the form

        show(name, kind, texts, buttons) {
            this.hide(name);
            const notice = element('div', {class: `desk-notice desk-${kind}`, role: kind === 'info' ? 'status' : 'alert'},
                element('div', {class: 'desk-text'}, ...texts),
                element('div', {class: 'desk-buttons'}, ...(buttons || [])));
            notice.dataset.notice = name;
            this.notices[name] = notice;
            this.root.insertBefore(notice, this.status);
            return notice;
        }

        hide(name) {
            if (this.notices[name]) {
                this.notices[name].remove();
                delete this.notices[name];
            }
        }

        csrfToken() {
            return cookie(this.csrfCookie) || (this.form.elements.namedItem('csrfmiddlewaretoken') || {}).value || '';
        }

        // --- The copy

        isChanged(values) {
            return this.unsaved || JSON.stringify(values) !== JSON.stringify(this.initial);
        }

        // Keeps the form aside when it differs from what is saved; true when it is kept.
        save(flags) {
            if (!this.ready || !this.storageName) {
                return false;
            }
            const values = collect(this.form);
            const serialised = JSON.stringify(values);
            if (!this.isChanged(values)) {
                const copy = readCopy(this.storageName);
                if (copy && copy.page === this.page) {
                    storage.removeItem(this.storageName);  // changed back: nothing to keep
                }
                this.written = null;
                return false;
            }
            if (serialised === this.written && !flags) {
                return true;
            }
            // What the editor changed, so that restoring leaves the rest as saved now (a form
            // that came back with errors is all unsaved).
            const kept = this.unsaved ? values : Object.fromEntries(
                this.changedNames(values).map((name) => [name, values[name]]));
            const copy = {key: this.key, page: this.page, savedAt: Date.now(), version: this.version, values: kept, ...flags};
            try {
                storage.setItem(this.storageName, JSON.stringify(copy));
            } catch (full) {
                // The browser's few megabytes are full: other forms' copies make room for this
                // one, but only if it then fits. One too large to keep (a body of megabytes)
                // must not cost the editor the copies of other articles: they are put back.
                const others = storedCopies().filter((name) => name !== this.storageName)
                    .map((name) => [name, storage.getItem(name)]);
                others.forEach(([name]) => storage.removeItem(name));
                try {
                    storage.setItem(this.storageName, JSON.stringify(copy));
                } catch (stillFull) {
                    others.forEach(([name, value]) => {
                        try {
                            storage.setItem(name, value);
                        } catch (error) {
                            // filled meanwhile (another tab): what cannot go back is lost there too
                        }
                    });
                    this.status.textContent = '浏览器的存储空间已满，无法自动保存，请及时点击“保存”。';
                    return false;
                }
            }
            this.written = serialised;
            this.status.textContent = `已自动保存到本机 ${when(copy.savedAt)}（尚未提交到网站）`;
            return true;
        }

        discard() {
            const copy = readCopy(this.storageName);
            if (copy && copy.page !== this.page) {
                storage.removeItem(this.storageName);
            }
        }

        changedNames(values) {
            return Object.keys(values).filter((name) => (
                name in this.initial && JSON.stringify(values[name]) !== JSON.stringify(this.initial[name])
            ));
        }

        offerCopy() {
            const copy = this.storageName && readCopy(this.storageName);
            if (!copy || copy.page === this.page || !copy.values) {
                return;
            }
            const names = this.changedNames(copy.values);
            if (!names.length) {
                this.discard();  // it holds what the form shows already
                return;
            }
            if (copy.awaitingLogin) {
                this.restoreAfterLogin(copy);
            } else {
                this.offer(copy, names);
            }
        }

        preview(copy, names) {
            const rows = names.slice(0, 6).map((name) => {
                const field = this.form.elements.namedItem(name);
                let value = copy.values[name];
                if (Array.isArray(value)) {
                    value = value.join('、');
                } else if (value === null) {
                    value = '';
                } else if (field && field.tagName === 'SELECT') {
                    const option = Array.from(field.options).find((o) => o.value === value);
                    value = option ? option.textContent.trim() : value;
                } else if (field && editorFor(field)) {
                    value = textOf(value);
                }
                return element('li', {}, element('strong', {}, labelOf(this.form, name) + '：'),
                    shorten(String(value), 80) || '（空）');
            });
            if (names.length > 6) {
                rows.push(element('li', {}, `另有 ${names.length - 6} 项不同`));
            }
            return element('ul', {class: 'desk-preview'}, ...rows);
        }

        offer(copy, names) {
            const time = when(copy.savedAt);
            const texts = [element('p', {}, `这里有 ${time} 自动保存的内容，还没有提交到网站。与现在的表单不同的是：`),
                this.preview(copy, names)];
            if (copy.version && this.version && copy.version !== this.version) {
                texts.push(element('p', {class: 'desk-caution'},
                    '注意：在那之后这篇内容又被保存过（可能是在别的窗口或由别人保存的），恢复会覆盖那次保存的修改。'));
            }
            this.show('copy', 'info', texts, [
                button(`恢复 ${time} 自动保存的内容`, async () => {
                    this.hide('copy');
                    await fill(this.form, copy.values);
                    this.discard();
                    this.save();
                    this.show('restored', 'info', [`已恢复 ${time} 自动保存的内容，请检查后点击“保存”。`], []);
                }, true),
                button('放弃', () => {
                    this.discard();
                    this.hide('copy');
                }),
            ]);
        }

        async restoreAfterLogin(copy) {
            await fill(this.form, copy.values);
            this.discard();
            this.save();
            const texts = [element('p', {}, `已填回登录过期前（${when(copy.savedAt)}）填写的内容，还没有保存，请检查后点击“保存”。`)];
            if (copy.files && copy.files.length) {
                texts.push(element('p', {}, '浏览器不能保留已选择的文件，请重新选择：'),
                    element('ul', {class: 'desk-preview'},
                        ...copy.files.map((file) => element('li', {}, `${file.label}：${file.name}`))));
            }
            this.show('restored', 'info', texts, [button('不要这些内容', async () => {
                this.hide('restored');
                await fill(this.form, this.initial);
                this.save();
            })]);
        }

        // --- Saving through the session

        submitted(event) {
            if (this.resubmitting) {
                this.resubmitting = false;
                this.save({submitted: true});
                return;  // the session was checked just now: let the browser send it
            }
            event.preventDefault();
            this.save();
            if (this.refusedAsTooLarge(event.submitter)) {
                return;
            }
            this.sendIfLoggedIn(event.submitter);
        }

        // The site refuses a form whose fields are larger than DATA_UPLOAD_MAX_MEMORY_SIZE
        // (core.oversized, a 413): better to say so here, with the page and its text still
        // open, than to send it. The size is counted as Django counts it: for a multipart
        // form each field's name, 2 and its value in UTF-8 with CRLF line breaks, files
        // aside; for an url-encoded one the whole encoded body.
        refusedAsTooLarge(submitter) {
            if (!this.uploadLimit) {
                return false;
            }
            const size = formSize(this.form, submitter);
            if (size <= this.uploadLimit) {
                this.hide('too-large');
                return false;
            }
            this.show('too-large', 'error', [
                element('p', {}, `内容约 ${sizeInWords(size)}，超过了网站能接收的 ${sizeInWords(this.uploadLimit)}，`
                    + '还没有提交。请把内容改小后再点击“保存”：'),
                element('ul', {},
                    element('li', {}, '图片请用编辑器工具栏的「上传图片」按钮上传，不要连同文字一起粘贴进正文；'),
                    element('li', {}, '从 Word 或网页复制来的文字常带有大量格式代码：可以选中正文点击「清除格式」，'
                        + '或用「粘贴为无格式文本」重新粘贴，再用「一键排版」整理；'),
                    element('li', {}, '很长的表格或资料，请保存为 Word、Excel 或 PDF 文件，在“附件”中上传（附件不计入这个限制）；'),
                    element('li', {}, '正文确实很长的，可以分成几篇发布。')),
            ], []);
            this.root.scrollIntoView({block: 'start'});
            return true;
        }

        async sendIfLoggedIn(submitter) {
            let state;
            try {
                state = await this.session.status();
            } catch (error) {
                this.show('send', 'error', ['网络连接异常，内容还没有提交。已暂存在本机，请检查网络后再点击“保存”。'], []);
                return;
            }
            if (!state.authenticated) {
                this.goLogIn();
                return;
            }
            this.hide('send');
            // After logging in again elsewhere the CSRF secret changed: send the current one.
            const token = this.form.elements.namedItem('csrfmiddlewaretoken');
            if (token && cookie(this.csrfCookie)) {
                token.value = cookie(this.csrfCookie);
            }
            this.resubmitting = true;
            if (submitter) {
                this.form.requestSubmit(submitter);
            } else {
                this.form.requestSubmit();
            }
        }

        sessionEnded() {
            this.save();
            const kept = this.storageName && readCopy(this.storageName);
            this.show('session', 'error', [
                kept && kept.page === this.page
                    ? '登录已过期。您填写的内容已暂存在本机，重新登录后会自动填回表单。'
                    : '登录已过期，请重新登录。',
            ], [button('重新登录', () => this.goLogIn(), true)]);
        }

        goLogIn() {
            const next = window.location.pathname + window.location.search;
            const login = `${this.loginUrl}?next=${encodeURIComponent(next)}`;
            const values = this.ready ? collect(this.form) : null;
            // A form that keeps no copy (restoring an old version) can simply be opened again.
            if (!values || !this.isChanged(values) || !this.key) {
                window.location.assign(login);
                return;
            }
            if (this.save({awaitingLogin: true, files: chosenFiles(this.form)})) {
                window.location.assign(login + '&desk=expired');
                return;
            }
            // Nothing can be kept in this browser: the page itself must stay open.
            const link = element('a', {href: login, target: '_blank', rel: 'noopener'}, '在新窗口中登录');
            this.show('session', 'error', ['登录已过期，这个浏览器无法暂存内容，请不要关闭本页：',
                link, '，登录后回到这里再点击“保存”。'], []);
        }
    }

    // As core.oversized.size_in_words states a limit: 10 MB, 2.5 MB, 16 KB.
    function sizeInWords(bytes) {
        for (const [unit, factor] of [['MB', 1048576], ['KB', 1024]]) {
            if (bytes >= factor) {
                return `${Math.round(bytes / factor * 10) / 10} ${unit}`;
            }
        }
        return `${bytes} 字节`;
    }

    // The button clicked is sent too (its name and label): FormData takes it where it can.
    function formSize(form, submitter) {
        let data;
        try {
            data = submitter ? new FormData(form, submitter) : new FormData(form);
        } catch (error) {
            data = new FormData(form);
        }
        for (const textarea of form.querySelectorAll('textarea[data-type="ckeditortype"]')) {
            const editor = editorFor(textarea);
            if (textarea.name && editor && editor.status === 'ready') {
                data.set(textarea.name, editor.getData());
            }
        }
        // Browsers send line breaks as CRLF, in either encoding.
        const fields = Array.from(data).filter(([, value]) => typeof value === 'string')
            .map(([name, value]) => [name, value.replace(/\r?\n/g, '\r\n')]);
        if (form.enctype !== 'multipart/form-data') {
            return new URLSearchParams(fields).toString().length;
        }
        const encoder = new TextEncoder();
        return fields.reduce((size, [name, value]) => size + encoder.encode(name).length + 2
            + encoder.encode(value).length, 0);
    }

    // --- Counters and the error list --------------------------------------------------

    function counters(form) {
        for (const input of form.querySelectorAll('[data-desk-count]')) {
            const limit = parseInt(input.dataset.deskCount, 10) || 0;
            const counter = element('span', {class: 'desk-counter', id: `${input.id}_counter`});
            input.after(counter);
            input.setAttribute('aria-describedby',
                `${input.getAttribute('aria-describedby') || ''} ${counter.id}`.trim());
            const update = () => {
                const length = Array.from(input.value.replace(/\r\n/g, '\n').trim()).length;
                const over = limit && length > limit;
                counter.textContent = limit
                    ? `${length} / ${limit} 字${over ? `，超出 ${length - limit} 字` : ''}`
                    : `${length} 字`;
                counter.classList.toggle('desk-over', Boolean(over));
            };
            input.addEventListener('input', update);
            update();
        }
    }

    function errorLinks() {
        for (const link of document.querySelectorAll('#desk-errors a[data-desk-anchor]')) {
            link.addEventListener('click', (event) => {
                const target = document.getElementById(link.dataset.deskAnchor);
                if (!target) {
                    return;
                }
                event.preventDefault();
                const details = target.closest('details');
                if (details) {
                    details.open = true;
                }
                (target.closest('.form-row') || target).scrollIntoView({block: 'center'});
                const editor = editorFor(target);
                if (editor) {
                    editor.focus();
                } else if (typeof target.focus === 'function') {
                    target.focus({preventScroll: true});
                }
            });
        }
    }

    // --- A form refused as too large (core.oversized): is its copy in this browser? ----

    function reportKept(note) {
        const copy = storage && readCopy(`${STORE}:${note.dataset.user}:${note.dataset.key}`);
        if (copy && copy.values) {
            const time = when(copy.savedAt);
            const restore = `返回编辑页面后，点击「恢复 ${time} 自动保存的内容」即可填回。`;
            note.textContent = copy.submitted
                ? `这个浏览器中存有您 ${time} 点击“保存”时提交的内容：${restore}`
                : `这个浏览器中存有 ${time} 自动保存的内容（点击“保存”时的内容没能存下，之后的修改可能不在其中）：${restore}`;
        } else {
            note.textContent = '这个浏览器中没有找到这份内容的自动保存（浏览器可能不允许本地存储，或存储空间存不下）。'
                + '请先按浏览器的“后退”返回编辑页面，如果内容还在，请立即复制到 Word 等文档中保存。';
        }
        note.hidden = false;
    }

    function start() {
        if (storage) {
            dropSavedCopy();
            dropOldCopies();
        }
        const kept = document.getElementById('desk-kept');
        if (kept) {
            reportKept(kept);
        }
        errorLinks();
        const root = document.getElementById('desk');
        const form = root && root.closest('form');
        if (!form) {
            return;
        }
        counters(form);
        new Desk(form, root).start();
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
}
