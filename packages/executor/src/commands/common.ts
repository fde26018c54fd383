import { Type, type TObject, type TProperties, type TLiteral, type TSchema, type TUnsafe } from '@sinclair/typebox';
import type { Value } from '@stratum/core';

/**
 * Schema keyword marking a position that holds a {@link Value}. The parse step decodes such positions
 * from their JSON form (`$bytes`, `$f64`, 64-bit ints); everything else is checked as plain JSON.
 */
export const VALUE_MARKER = 'x-stratum-value';

/**
 * Schema keyword asking the parse step to report a failed check at or below this position with the
 * given code instead of `InvalidCommand` (protocol §6.12: a bad retention policy is `InvalidInput`).
 */
export const ERROR_CODE_MARKER = 'x-stratum-error';

/** A position holding any {@link Value}; accepted as-is by the checker, decoded by the parse step. */
export function ValueField(description: string): TUnsafe<Value> {
  return Type.Unsafe<Value>(Type.Unknown({ description, [VALUE_MARKER]: true }));
}

export function isValueSchema(schema: TSchema): boolean {
  return (schema as Record<string, unknown>)[VALUE_MARKER] === true;
}

/** A non-negative integer that JavaScript holds exactly (commit versions, counters, µs timestamps). */
export function U64(description: string) {
  return Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });
}

/** An object that rejects unknown properties, as every object of the protocol does. */
export function StrictObject<P extends TProperties>(properties: P, description: string): TObject<P> {
  return Type.Object(properties, { description, additionalProperties: false });
}

/** A command schema: its `type` literal plus its fields, named by `$id`, closed to unknown fields. */
export function command<T extends string, P extends TProperties>(
  type: T,
  description: string,
  fields: P,
): TObject<{ type: TLiteral<T> } & P> {
  return Type.Object(
    { type: Type.Literal(type, { description: `The command name, "${type}".` }), ...fields },
    { $id: type, description, additionalProperties: false },
  );
}

/** The same schema with another description (symbols such as TypeBox's Kind are kept by the spread). */
export function withDescription<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description };
}

export const BranchField = Type.Optional(
  Type.String({ description: 'Branch the command acts on. Defaults to the session branch ("default" unless set).' }),
);

export const SpaceField = Type.Optional(
  Type.String({ description: 'Space the command acts on. Defaults to the session space ("default" unless set).' }),
);

export const AsOf = Type.Optional(
  U64('Time-travel read: answer as of this moment, in microseconds since the Unix epoch. Current state when absent.'),
);

export const DistanceMetric = Type.Union(
  [Type.Literal('cosine'), Type.Literal('euclidean'), Type.Literal('dot_product')],
  { description: 'Similarity metric: "cosine", "euclidean" (1 / (1 + L2 distance)) or "dot_product".' },
);

export const FilterOp = Type.Union(
  [
    Type.Literal('eq'),
    Type.Literal('ne'),
    Type.Literal('gt'),
    Type.Literal('gte'),
    Type.Literal('lt'),
    Type.Literal('lte'),
    Type.Literal('in'),
    Type.Literal('contains'),
  ],
  {
    description:
      'Comparison: "eq", "ne", "gt", "gte", "lt", "lte" (numbers), "in" (value is an array of allowed values) or "contains" (substring of a string, or member of an array).',
  },
);

export const MetadataFilter = StrictObject(
  {
    field: Type.String({ description: 'Top-level metadata field to test.' }),
    op: FilterOp,
    value: ValueField('Value to compare the field with.'),
  },
  'One condition on a vector’s metadata; a vector without the field never matches.',
);
