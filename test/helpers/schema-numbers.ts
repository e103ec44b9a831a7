/** Every path of a zod schema that holds a number (objects, arrays, records, optionals, unions walked). */
import type * as z from 'zod';

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
  getter?: () => z.ZodType;
};

export function numberPaths(schema: z.ZodType, path = ''): string[] {
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  switch (def.type) {
    case 'number':
    case 'int':
    case 'bigint':
      return [path];
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([key, value]) => numberPaths(value, path ? `${path}.${key}` : key));
    case 'array':
      return numberPaths(def.element!, `${path}[]`);
    case 'record':
      return numberPaths(def.valueType!, `${path}.*`);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'nonoptional':
      return numberPaths(def.innerType!, path);
    case 'union':
      return [...new Set(def.options!.flatMap((option) => numberPaths(option, path)))];
    case 'pipe':
      return numberPaths(def.out!, path);
    case 'lazy':
      return numberPaths(def.getter!(), path);
    default:
      return [];
  }
}
