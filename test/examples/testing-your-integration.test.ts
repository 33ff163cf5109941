// The example suite for users' own integrations runs here, as part of npm test: importing it
// registers its tests in this file (vitest's include covers test/ only, so it runs once).
import '../../examples/testing-your-integration.test';
