declare module 'tulind' {
  const tulind: { indicators: Record<string, unknown> };
  export default tulind;
}
