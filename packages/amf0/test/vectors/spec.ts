// Hand-built vectors following the AMF0 spec (§2) and ../shared/rtmp-notes.md §6, one per marker,
// annotated field by field. `value` is the plain decoding.

export interface SpecVector {
  readonly name: string;
  readonly hex: string;
  readonly value: unknown;
}

const date = new Date(Date.UTC(2012, 11, 21));

export const specVectors: readonly SpecVector[] = [
  { name: 'number 1.0', hex: '00' + '3ff0000000000000', value: 1 },
  { name: 'number -0', hex: '00' + '8000000000000000', value: -0 },
  { name: 'boolean true', hex: '01' + '01', value: true },
  { name: 'boolean false', hex: '01' + '00', value: false },
  { name: 'string "connect"', hex: '02' + '0007' + '636f6e6e656374', value: 'connect' },
  { name: 'empty string', hex: '02' + '0000', value: '' },
  { name: 'string UTF-8 "é€"', hex: '02' + '0005' + 'c3a9e282ac', value: 'é€' },
  {
    name: 'object { app: "live" }',
    hex: '03' + '0003' + '617070' + '02' + '0004' + '6c697665' + '000009',
    value: { app: 'live' },
  },
  { name: 'null', hex: '05', value: null },
  { name: 'undefined', hex: '06', value: undefined },
  {
    name: 'ECMA array with a wrong count (hint only)',
    hex: '08' + '00000000' + '0001' + '61' + '00' + '3ff0000000000000' + '000009',
    value: { a: 1 },
  },
  {
    name: 'strict array ["hvc1"] (notes §6)',
    hex: '0a' + '00000001' + '02' + '0004' + '68766331',
    value: ['hvc1'],
  },
  {
    name: 'date 2012-12-21 with time zone -60',
    hex: '0b' + '4273bbac26400000' + 'ffc4',
    value: date,
  },
  { name: 'long string "abc"', hex: '0c' + '00000003' + '616263', value: 'abc' },
  { name: 'unsupported', hex: '0d', value: undefined },
  { name: 'XML document', hex: '0f' + '00000007' + '3c612f3e3c2f61', value: '<a/></a' },
  {
    name: 'typed object Point { x: 1 }',
    hex: '10' + '0005' + '506f696e74' + '0001' + '78' + '00' + '3ff0000000000000' + '000009',
    value: { x: 1 },
  },
  {
    name: 'reference to an earlier object: [{}, ref 1]',
    // table: 0 = the strict array, 1 = the empty object
    hex: '0a' + '00000002' + '03' + '000009' + '07' + '0001',
    value: [{}, {}],
  },
];
