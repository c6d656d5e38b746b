export const SOURCE_DIRS: string[];
export const BUILD_STAMP: string;
export function isSource(file: string): boolean;
export function staleSource(root: string): string | undefined;
export function ensureFreshDist(root: string, notice?: (line: string) => void): Promise<void>;
