// Integration and end-to-end suites start real servers (an embedded PostgreSQL's first start can
// take several seconds on a loaded machine); hooks and tests get a minute before jest gives up.
jest.setTimeout(60_000);
