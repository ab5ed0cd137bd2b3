// Writes src/time/calendars/cn.json from the data of the `chinese-days` npm package (MIT licence,
// https://github.com/vsme/chinese-days): public holidays and make-up working days (调休) of mainland
// China for every year it carries. Run after upgrading chinese-days: `node bin/cn-calendar-from-chinese-days.js`.
// Its `inLieuDays` (in-lieu rest days, already among its holidays) are not used.
const fs = require('node:fs');
const path = require('node:path');
const data = require('chinese-days/dist/chinese-days.json');
const { version } = require('chinese-days/package.json');

const holidays = Object.keys(data.holidays).sort();
const makeupWorkdays = Object.keys(data.workdays).sort();
const years = [...holidays, ...makeupWorkdays].map((d) => Number(d.slice(0, 4)));
const firstYear = Math.min(...years);
const lastYear = Math.max(...years);
const calendar = {
  name: 'cn-mainland',
  note:
    `Public holidays and make-up working days (调休) of mainland China ${firstYear}–${lastYear}, from the State Council General Office ` +
    `notices (国务院办公厅关于部分节假日安排的通知), as carried by the chinese-days package ${version} (MIT licence, ` +
    'Copyright (c) 2024 Yawei sun, https://github.com/vsme/chinese-days). A working-day limit that runs past lastYear is provisional ' +
    'until the next notice is imported (caseflow calendar import FILE).',
  firstYear,
  lastYear,
  weekend: [6, 7],
  holidays,
  makeupWorkdays,
};
const out = path.join(__dirname, '..', 'src', 'time', 'calendars', 'cn.json');
fs.writeFileSync(out, `${JSON.stringify(calendar, null, 2)}\n`);
console.log(`wrote ${out}: ${holidays.length} holidays, ${makeupWorkdays.length} make-up working days, ${firstYear}–${lastYear}`);
