/** Two tool calls for the fake to stream, arguments long enough to come in several fragments. */
export const SCRIPTED_TOOL_CALLS = [
  {
    id: 'call_weather',
    type: 'function' as const,
    function: { name: 'get_weather', arguments: '{"city":"Oslo","unit":"celsius"}' },
  },
  {
    id: 'call_time',
    type: 'function' as const,
    function: { name: 'get_time', arguments: '{"timezone":"Europe/Oslo"}' },
  },
];
