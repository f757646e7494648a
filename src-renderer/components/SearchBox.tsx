// Search input; the one marked `shortcut` is focused by the global "/" key.
interface SearchBoxProps {
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  label: string;
  shortcut?: boolean;
  testId?: string;
}

export function SearchBox(props: SearchBoxProps) {
  return (
    <label className="search-box">
      <svg viewBox="0 0 24 24" aria-hidden="true" className="search-icon">
        <circle cx="11" cy="11" r="6.5" />
        <path d="M16 16l4.5 4.5" />
      </svg>
      <input
        type="search"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={props.placeholder}
        aria-label={props.label}
        data-shortcut={props.shortcut ? 'search' : undefined}
        data-testid={props.testId}
        spellCheck={false}
        autoComplete="off"
        onKeyDown={(e) => {
          if (e.key === 'Escape' && props.value) {
            e.stopPropagation();
            props.onChange('');
          }
        }}
      />
      {props.shortcut ? (
        <kbd className="search-kbd" aria-hidden="true">
          /
        </kbd>
      ) : null}
    </label>
  );
}
