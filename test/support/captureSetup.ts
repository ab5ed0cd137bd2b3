/** jest globalSetup: one capture folder for the whole run's logs and secrets (test/support/capture.ts). */
import { CAPTURE_DIR_ENV, newCaptureFolder } from './capture';

export default function captureSetup(): void {
  process.env[CAPTURE_DIR_ENV] = newCaptureFolder();
}
