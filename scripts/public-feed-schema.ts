/** Writes docs/public-feed.schema.json from the feed's zod schema (domain/publication.ts); a test checks they agree. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { publicFeedSchema } from '../domain/publication';

export const publicFeedJsonSchema = () => `${JSON.stringify(z.toJSONSchema(publicFeedSchema), null, 2)}\n`;

if (require.main === module) writeFileSync(path.join(__dirname, '..', 'docs', 'public-feed.schema.json'), publicFeedJsonSchema());
