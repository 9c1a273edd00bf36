/** Types of `source-digest.js`, for the TypeScript tests that use it. */
export declare function sourceDigest(root: string): string;
export declare const DIGEST_FILE: string;
