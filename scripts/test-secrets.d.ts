/** Types of `test-secrets.js`, for the TypeScript tests that use it. */
export declare function testServiceName(kind: 'test' | 'e2e' | 'bench'): string;
export declare function purgeTestSecrets(options?: { readonly ownedBy?: number }): string[];
export declare function processExists(pid: number): boolean;
