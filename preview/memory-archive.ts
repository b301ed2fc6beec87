/** An archive in memory: a preview writes nothing to the real one. */
import type { Archive } from '../activities/archive';

export function createArchiveInMemory(): Archive {
  const files = new Map<string, Buffer>();
  const get = (ref: string) => {
    const content = files.get(ref);
    if (content === undefined) throw Object.assign(new Error(`${ref} is not in the preview's archive`), { code: 'ENOENT' });
    return content;
  };
  return {
    locate: (ref) => `memory:${ref}`,
    async put(ref, content) {
      files.set(ref, typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content));
      return ref;
    },
    async read(ref) {
      return get(ref).toString('utf8');
    },
    async readBytes(ref) {
      return get(ref);
    },
    async attachable(ref) {
      return { content: get(ref) };
    },
    async remove(ref) {
      for (const key of [...files.keys()]) if (key === ref || key.startsWith(`${ref}/`)) files.delete(key);
    },
  };
}
