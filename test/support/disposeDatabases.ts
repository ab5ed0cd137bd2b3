/**
 * jest's `postgres` project (jest.config.js): after a test file's last test, drop the PostgreSQL
 * databases its fixtures made (the template included), so the run leaves none behind and exits.
 */
import { disposeTestDatabases } from './backend';

afterAll(() => disposeTestDatabases());
