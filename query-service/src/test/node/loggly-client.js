// Runs node-loggly 1.1.1's search and customer calls against the query service and prints what they returned.
// The client is unmodified: only its API base URL (urls.api, which it builds as https://<subdomain>.loggly.com/apiv2)
// is pointed at the service. Arguments come from the environment: QUERY_API, QUERY_TOKEN, SEARCH (JSON options).
const loggly = require('loggly');

const client = loggly.createClient({
  subdomain: 'acme',
  token: 'unused-for-retrieval',
  auth: { username: 'acme', password: process.env.QUERY_TOKEN },
});
client.urls.api = process.env.QUERY_API;

const out = {};
function done(key, err, value) {
  out[key] = err ? { error: String(err.message || err) } : value;
  if (Object.keys(out).length === 2) {
    process.stdout.write(JSON.stringify(out) + '\n');
  }
}

client.search(JSON.parse(process.env.SEARCH)).run((err, results) => done('search', err, results));
client.customer((err, customer) => done('customer', err, customer));
