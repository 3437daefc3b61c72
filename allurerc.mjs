// Allure 3 report of the Playwright suite: one HTML file that opens offline from file://.
export default {
  name: 'vpcheck',
  output: './reports/allure-report',
  plugins: { awesome: { options: { singleFile: true, reportName: 'vpcheck' } } },
};
