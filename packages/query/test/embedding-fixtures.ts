export { ART_DIR, loadArtFixtures, type ArtFixture } from "../test-support/art.ts";
