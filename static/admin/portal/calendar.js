'use strict';
// The admin calendar's caption in Chinese order, 「2026年11月」 rather than 「十一月 2026」:
// Django's calendar.js joins the month's name and the year with a space, which no
// translation can reorder. (The weekday headings 一…日 come from locale/.../djangojs.po.)
{
    const calendar = window.CalendarNamespace;
    if (calendar && document.documentElement.lang.toLowerCase().startsWith('zh')) {
        const draw = calendar.draw;
        calendar.draw = function(month, year, divId, callback, selected) {
            draw.call(this, month, year, divId, callback, selected);
            const caption = document.querySelector(`#${CSS.escape(divId)} caption`);
            if (caption) {
                caption.textContent = `${parseInt(year, 10)}年${parseInt(month, 10)}月`;
            }
        };
    }
}
