// Runs once before the whole Vitest run. Store tests read TEST_DATABASE_URL themselves;
// nothing global to prepare yet beyond a clean NO_COLOR for readable output.
export default function setup(): void {
  process.env.NO_COLOR = "1";
}
