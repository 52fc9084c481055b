import { reactive, ref } from 'vue';
import { ApiError } from '@/api/client';

/** Turns API errors into a message beside the named field, or one above the form. */
export function useFormErrors() {
  const fields = reactive<Record<string, string>>({});
  const form = ref('');

  function clear(): void {
    for (const key of Object.keys(fields)) delete fields[key];
    form.value = '';
  }

  function capture(error: unknown): void {
    clear();
    if (error instanceof ApiError && error.field) fields[error.field] = error.message;
    else form.value = error instanceof Error ? error.message : String(error);
  }

  return { fields, form, clear, capture };
}
